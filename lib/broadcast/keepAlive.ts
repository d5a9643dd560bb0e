import { HEARTBEAT_EVENT } from '../protocol/protocolEvents';
import { encodeComment, encodeEvent } from '../protocol/wireFormat';
import { type Clock, systemClock } from '../time/clock';
import { OptionReader } from '../validation/optionReader';
import { SpreadRounds } from './spreadRounds';

/**
 * A stream a {@link KeepAlive} can keep alive: a connection `Broadcaster.connect` returned (any
 * metadata type). Its write is the library's own, so it is not part of the published types.
 */
export interface KeepAliveTarget {
  /** False once the stream has ended. */
  readonly isOpen: boolean;
  /** @internal When it last had something other than a keep-alive written (ms since the epoch). */
  readonly lastActivityAt: number;
  /**
   * @internal Sends one keep-alive frame, stamped `now` (ms since the epoch): at once, or with
   * `carry` along with the stream's next write (see `EventStreamWriter.keepAlive`).
   */
  keepAlive(frame: Buffer, now: number, carry: boolean): void;
}

/**
 * How much faster than the interval rounds run: 2 %, at most 100 ms. A silent stream's keep-alives
 * come one round apart, give or take a late timer and a busy event loop; a round a little shorter
 * than the interval keeps that wait within the interval, which is what a proxy's idle timeout and
 * the browser's heartbeat timeout are set against.
 */
function roundMsOf(intervalMs: number): number {
  return intervalMs - Math.min(100, Math.floor(intervalMs / 50));
}

/** How keep-alives are sent. */
export interface KeepAliveOptions {
  /**
   * The longest a silent stream goes without a keep-alive, in ms. Default 15000. A stream written
   * to within it carries its keep-alive to its next write, so it can go up to two intervals
   * without a byte: keep a proxy's idle timeout above twice this (60 s is common). 0 turns them off.
   */
  intervalMs?: number;
  /**
   * `event` (default): a named `sse:heartbeat` event that page scripts, and the client
   * monitor's dead-connection timer, can see. `comment`: a `:` line, invisible to pages.
   */
  as?: 'event' | 'comment';
}

/**
 * Keeps a set of streams alive: each stream gets one keep-alive per round, a round a little
 * shorter than the interval (2 %, at most 100 ms), so a silent stream's wait stays within it; each
 * round spread over its time in slices (`spreadRounds.ts`), one encoded frame per slice shared by
 * every stream of that slice. Slices are spaced on the clock's monotonic time; the heartbeat's
 * data is its wall-clock time.
 *
 * Only a silent stream costs the round a write: one that had anything else written within the
 * interval carries its keep-alive on its next write instead (in the same socket write), so a
 * round over busy streams writes nothing of its own. The keep-alive is carried, not skipped,
 * because a page sees only the event types it listens to (an htmx 2 `EventSource`): its monitor
 * may not see the events that kept the stream busy, but it always sees `sse:heartbeat`. A stream
 * is never silent for two intervals (a carried keep-alive still waiting at the next round goes then).
 */
export class KeepAlive {
  readonly #rounds: SpreadRounds<KeepAliveTarget> | undefined;

  /** @param options - interval and form. */
  constructor(options?: KeepAliveOptions);
  /** @internal With the clock that spaces the keep-alives and stamps the heartbeats (tests move one by hand). */
  constructor(options: KeepAliveOptions | undefined, clock: Clock);
  constructor(options: KeepAliveOptions = {}, clock: Clock = systemClock) {
    const read = new OptionReader<KeepAliveOptions>('KeepAlive', options);
    const intervalMs = read.integer('intervalMs', 15_000);
    const as = read.oneOf('as', ['event', 'comment'], 'event');
    if (intervalMs === 0) return;
    this.#rounds = new SpreadRounds<KeepAliveTarget>(roundMsOf(intervalMs), clock, () => {
      const now = clock.now();
      const frame =
        as === 'event' ? encodeEvent({ event: HEARTBEAT_EVENT, data: String(now) }) : encodeComment('keep-alive');
      return (connection) => connection.keepAlive(frame, now, now - connection.lastActivityAt < intervalMs);
    });
  }

  /** Starts keeping `connection` alive. */
  add(connection: KeepAliveTarget): void {
    this.#rounds?.add(connection);
  }

  /** Stops keeping `connection` alive (it closed). */
  delete(connection: KeepAliveTarget): void {
    this.#rounds?.delete(connection);
  }
}
