import { HEARTBEAT_EVENT } from '../protocol/protocolEvents';
import { encodeComment, encodeEvent } from '../protocol/wireFormat';
import { type Clock, systemClock } from '../time/clock';
import { OptionReader } from '../validation/optionReader';

/**
 * A stream a {@link KeepAlive} can keep alive: a connection `Broadcaster.connect` returned (any
 * metadata type). Its write is the library's own, so it is not part of the published types.
 */
export interface KeepAliveTarget {
  /** False once the stream has ended. */
  readonly isOpen: boolean;
  /** @internal Writes one keep-alive frame, stamped `now` (ms since the epoch). */
  write(frame: Buffer, id: undefined, now: number): boolean;
}

/** How keep-alives are sent. */
export interface KeepAliveOptions {
  /** Interval in ms. Default 15000 (under common proxy idle timeouts). 0 turns them off. */
  intervalMs?: number;
  /**
   * `event` (default): a named `sse:heartbeat` event that page scripts, and the client
   * monitor's dead-connection timer, can see. `comment`: a `:` line, invisible to pages.
   */
  as?: 'event' | 'comment';
}

/**
 * Streams written per slice of a round. A slice blocks the event loop for about this many socket
 * writes (a few µs each), so a live event published meanwhile waits a fraction of a millisecond
 * rather than behind one write per open stream.
 */
const STREAMS_PER_SLICE = 128;
/** Slices are at least this far apart, so a round never turns into a busy loop of timers. */
const MIN_SLICE_MS = 2;
/** A round has at least this many slices, so it adapts to streams that join while it runs. */
const MIN_SLICES_PER_ROUND = 16;

/**
 * Keeps a set of streams alive: each stream gets one keep-alive per interval, and each round is
 * spread over its interval in slices of about `STREAMS_PER_SLICE` streams, so 100,000
 * streams cost a hundred-odd small writes every few ms instead of 100,000 writes in one tick.
 * A round walks the set with one live iterator (streams added meanwhile are reached in the same
 * round, removed ones are skipped), so it costs nothing per stream beyond the set entry.
 * The first round starts one interval after the first stream, so a stream that joins then gets
 * its first keep-alive within two intervals, and one every interval after that.
 * One unref'd timer, started with the first stream and stopped with the last; one encoded frame
 * per slice, shared by every stream of that slice. Slices are spaced on the clock's monotonic
 * time; the heartbeat's data is its wall-clock time.
 */
export class KeepAlive {
  readonly #connections = new Set<KeepAliveTarget>();
  readonly #intervalMs: number;
  readonly #as: 'event' | 'comment';
  readonly #clock: Clock;
  #timer: unknown;
  #round: Iterator<KeepAliveTarget> | undefined;
  #roundEndsAt = 0;
  /** When the next slice is due: slices are kept on this schedule, so late timers do not add up. */
  #nextSliceAt = 0;
  #visited = 0;

  /** @param options - interval and form. */
  constructor(options?: KeepAliveOptions);
  /** @internal With the clock that spaces the keep-alives and stamps the heartbeats (tests move one by hand). */
  constructor(options: KeepAliveOptions | undefined, clock: Clock);
  constructor(options: KeepAliveOptions = {}, clock: Clock = systemClock) {
    const read = new OptionReader<KeepAliveOptions>('KeepAlive', options);
    this.#intervalMs = read.integer('intervalMs', 15_000);
    this.#as = read.oneOf('as', ['event', 'comment'], 'event');
    this.#clock = clock;
  }

  /** Starts keeping `connection` alive. */
  add(connection: KeepAliveTarget): void {
    if (this.#intervalMs === 0) return;
    this.#connections.add(connection);
    // As with one timer for all: nothing until one interval after the first stream.
    if (this.#timer === undefined) this.#startRound(this.#intervalMs);
  }

  /** Stops keeping `connection` alive (it closed). */
  delete(connection: KeepAliveTarget): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#round = undefined;
    }
  }

  /** Time between slices for the streams open now. */
  #sliceMs(): number {
    const even = (this.#intervalMs * STREAMS_PER_SLICE) / Math.max(1, this.#connections.size);
    return Math.max(Math.min(even, this.#intervalMs / MIN_SLICES_PER_ROUND), Math.min(MIN_SLICE_MS, this.#intervalMs));
  }

  /** Starts the next round after `waitMs`; it ends one interval later. */
  #startRound(waitMs: number): void {
    this.#round = this.#connections.values();
    this.#visited = 0;
    const now = this.#clock.monotonic();
    this.#roundEndsAt = now + waitMs + this.#intervalMs;
    this.#nextSliceAt = now + waitMs;
    this.#scheduleNext(this.#sliceMs());
  }

  /** Arms the timer for the slice due `sliceMs` after the last one (at once if that is past). */
  #scheduleNext(sliceMs: number): void {
    this.#nextSliceAt += sliceMs;
    this.#timer = this.#clock.setTimeout(this.#slice, Math.max(0, this.#nextSliceAt - this.#clock.monotonic()));
  }

  readonly #slice = (): void => {
    const round = this.#round;
    if (!round) return;
    const sliceMs = this.#sliceMs();
    const size = this.#connections.size;
    // Share what is left of the round evenly among the slices left, never fewer than the even
    // share (streams that closed after their keep-alive make `size - visited` too low) and never
    // more than a slice's worth: a busy process catches up in slices rather than in one burst.
    const evenShare = Math.ceil((size * sliceMs) / this.#intervalMs);
    const slicesLeft = Math.max(1, 1 + Math.floor((this.#roundEndsAt - this.#clock.monotonic()) / sliceMs));
    const quota = Math.min(
      Math.max(Math.ceil((size - this.#visited) / slicesLeft), evenShare),
      Math.max(STREAMS_PER_SLICE, evenShare),
    );
    const now = this.#clock.now();
    const frame =
      this.#as === 'event' ? encodeEvent({ event: HEARTBEAT_EVENT, data: String(now) }) : encodeComment('keep-alive');
    let finished = false;
    for (let written = 0; written < quota; written += 1) {
      const next = round.next();
      if (next.done) {
        finished = true;
        break;
      }
      this.#visited += 1;
      // A write may close the stream, whose close deletes it from the set: the iterator allows it.
      next.value.write(frame, undefined, now);
    }
    if (this.#round !== round) return;
    // The next round starts when this one's interval is over, so no stream gets two in one interval.
    if (finished) this.#startRound(Math.max(0, this.#roundEndsAt - this.#clock.monotonic()));
    else this.#scheduleNext(sliceMs);
  };
}
