/**
 * Bounded writes to one open event stream. Node buffers a response whose socket is not draining;
 * once Node holds more than half of `maxBufferedBytes`, later frames wait in the writer's own
 * queue (`frameQueue.ts`), where a keyed frame supersedes the queued frame of its key, and leave as
 * the socket drains. Once Node's buffer and the queue together would pass `maxBufferedBytes`, the
 * stream is evicted (the client reconnects and catches up from history) instead of growing without
 * bound. Registry connections (`SseConnection`) and streams from async iterables (`SseStream`) both
 * write through it.
 */
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ChannelPositions } from './channelPositions';
import type { FrameBatch } from './frameBatch';
import { FrameQueue, type HeldFrame, type QueuedFrame } from './frameQueue';

/** The part of a Node response (`http.ServerResponse`, `Http2ServerResponse`) a connection uses. */
export interface EventStreamTarget {
  write(chunk: Buffer): boolean;
  end(): unknown;
  destroy(): unknown;
  readonly writableLength: number;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

const CRLF = Buffer.from('\r\n');

/**
 * Frames as HTTP/1.1 chunks, each built once: a fan-out (or a keep-alive slice) hands every socket
 * the same Buffer. Events and keep-alives, which a write may send together, each have their own
 * cache; the last frame is answered at once, and the chunks of frames still referenced are kept
 * (a view's renderings of one event alternate from socket to socket).
 */
class ChunkCache {
  #frame: Buffer | undefined;
  #chunk: Buffer = CRLF;
  readonly #chunks = new WeakMap<Buffer, Buffer>();

  /** `frame` as one chunk. */
  of(frame: Buffer): Buffer {
    if (frame !== this.#frame) {
      let chunk = this.#chunks.get(frame);
      if (!chunk) {
        chunk = Buffer.concat([Buffer.from(`${frame.length.toString(16)}\r\n`, 'latin1'), frame, CRLF]);
        this.#chunks.set(frame, chunk);
      }
      this.#chunk = chunk;
      this.#frame = frame;
    }
    return this.#chunk;
  }
}

const eventChunks = new ChunkCache();
const keepAliveChunks = new ChunkCache();

/**
 * An event's chunk with a carried keep-alive's chunk behind it, as one Buffer built once per pair:
 * a socket given two buffers in one tick sends them with `writev`, which cost about 7 µs more
 * per write than one buffer (the keepalive bench), and a fan-out after a keep-alive round would
 * pay it on every busy stream. The
 * pairs of chunks still referenced are kept (a round's slices each have their own keep-alive).
 */
class CarriedChunks {
  #chunk: Buffer | undefined;
  #carried: Buffer | undefined;
  #joined: Buffer = CRLF;
  readonly #byChunk = new WeakMap<Buffer, WeakMap<Buffer, Buffer>>();

  /** `chunk` and `carried`, in that order, in one Buffer. */
  of(chunk: Buffer, carried: Buffer): Buffer {
    if (chunk !== this.#chunk || carried !== this.#carried) {
      let joinedByCarried = this.#byChunk.get(chunk);
      if (!joinedByCarried) {
        joinedByCarried = new WeakMap();
        this.#byChunk.set(chunk, joinedByCarried);
      }
      let joined = joinedByCarried.get(carried);
      if (!joined) {
        joined = Buffer.concat([chunk, carried]);
        joinedByCarried.set(carried, joined);
      }
      this.#chunk = chunk;
      this.#carried = carried;
      this.#joined = joined;
    }
    return this.#joined;
  }
}

const carriedChunks = new CarriedChunks();

function uncork(socket: Socket): void {
  socket.uncork();
}

/**
 * The writer of each open target, for the one `close` listener every target shares (Node calls it
 * with the target as `this`): a closure per stream would cost more than the entry.
 */
const writerOfTarget = new WeakMap<EventStreamTarget, EventStreamWriter>();

/**
 * The socket of a plain HTTP/1.1 chunked response whose headers are out, whose `write` nobody
 * wrapped (compression) and which has nothing queued of its own, so a pre-framed chunk written
 * to the socket gives the exact bytes `res.write` would. It is the hot path of a fan-out:
 * Express gives every response object its own hidden class (it swaps prototypes), which makes
 * Node's `res.write` internals megamorphic and about 2.5 times slower per write.
 */
function chunkedSocketOf(target: EventStreamTarget): Socket | undefined {
  if (!(target instanceof ServerResponse) || target.write !== ServerResponse.prototype.write) return undefined;
  const socket = target.socket;
  if (!socket || !target.headersSent || !target.chunkedEncoding || target.writableLength !== socket.writableLength)
    return undefined;
  return socket;
}

/** Why a stream ended. */
export type CloseReason = 'client' | 'evicted' | 'server';

/** Bytes Node may hold for one client before it is evicted, unless configured: 1 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The share of `maxBufferedBytes` Node may hold before later frames queue in the writer. A client
 * that reads keeps well under it, so its frames take the direct path; only one that fell behind
 * pays for the queue, which lets it skip superseded keyed frames instead of being evicted for them.
 */
const QUEUE_FROM = 0.5;

/** See the module comment. A subclass learns of the end through {@link EventStreamWriter.closed}. */
export class EventStreamWriter {
  /** When it opened (ms since epoch). */
  readonly createdAt = Date.now();
  /** When it last had something other than a keep-alive written (ms since epoch). */
  lastActivityAt = this.createdAt;
  /** Frames written. */
  eventsSent = 0;
  /** Bytes written. */
  bytesSent = 0;
  /** Frames not written because the stream was evicted or closed. */
  droppedEvents = 0;
  readonly #target: EventStreamTarget;
  /** Where frames go directly when {@link chunkedSocketOf} allows it. */
  readonly #socket: Socket | undefined;
  readonly #maxBufferedBytes: number;
  #closed = false;
  /**
   * Frames held back while history is replayed, then the replay in front of them (see `holdLive`);
   * or, for a client that fell behind, the frames that wait for the socket to drain.
   */
  #queue: FrameQueue | undefined;
  /** What the queue waits on for `drain`. */
  #drainSource: EventStreamTarget | Socket | undefined;
  /** Its `drain` listener, made the first time the queue waits (most streams never do). */
  #onDrain: (() => void) | undefined;
  /** Each channel's last position written, for a stream that carries a cursor per channel (see {@link trackPositions}). */
  #positions: ChannelPositions | undefined;
  /** A cursor event is due at the end of this tick. */
  #cursorDue = false;
  /** A keep-alive that goes out with the next write (see {@link keepAlive}). */
  #carried: Buffer | undefined;

  /**
   * @param target - the response to write to (headers already sent).
   * @param maxBufferedBytes - bytes Node may hold for this client before it is evicted.
   */
  constructor(target: EventStreamTarget, maxBufferedBytes: number) {
    this.#target = target;
    this.#socket = chunkedSocketOf(target);
    this.#maxBufferedBytes = maxBufferedBytes;
    // `on`, not `once` (whose wrapper costs an object and a bound function per stream): `#finish` removes it.
    writerOfTarget.set(target, this);
    target.on('close', EventStreamWriter.#onTargetClose);
  }

  /** Whether the stream is still open. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Bytes held for the client and not yet handed to the kernel: Node's buffer and the frames queued in the writer. */
  get bufferedBytes(): number {
    return this.#closed ? 0 : this.#target.writableLength + (this.#queue?.liveBytes ?? 0);
  }

  /**
   * Writes one frame. Returns false when it was not written (closed, or evicted because the
   * client is not reading). `id` (an event's position) and `channel` let frames held during a
   * replay be de-duplicated and a cursor per channel move on; `key` (a latest-value event's) lets a
   * queued frame of the same key and channel be superseded; `now` lets a fan-out read the clock
   * once for all its recipients.
   */
  write(frame: Buffer, id?: string, now = Date.now(), channel?: string, key?: string): boolean {
    if (this.#closed) {
      this.droppedEvents += 1;
      return false;
    }
    if (this.#queue) {
      this.#queue.push({ frame, id, channel, key, live: true });
      if (this.#queue.liveBytes + this.#buffered() > this.#maxBufferedBytes) return this.#evict();
      return true;
    }
    if (this.#positions?.written(channel, id)) return true;
    if (!this.#writeNow(frame, now)) return false;
    this.#advance(channel, id);
    return true;
  }

  /**
   * @internal Sends one keep-alive frame, which does not count as activity (`lastActivityAt`).
   * With `carry` (the stream had a write within the keep-alive interval), it costs no write of its
   * own: it goes out with the stream's next write, in the same socket write; unless a keep-alive
   * carried in the previous round still waits, which then goes now, so a stream that falls
   * silent is never without one for two rounds. A stream that holds frames in its queue (a replay,
   * a client behind) always carries it: the queue's next write takes it.
   */
  keepAlive(frame: Buffer, now: number, carry: boolean): void {
    if (this.#closed) return;
    if (this.#queue || (carry && !this.#carried)) {
      this.#carried = frame;
      return;
    }
    this.#carried = undefined;
    this.#writeNow(frame, now, 1, true);
  }

  /**
   * From now on the stream carries a cursor per channel: after each tick in which it wrote events,
   * a cursor event (`sse:cursor`) whose id names every channel's last position written, starting
   * from `start` (see `channelCursor.ts`). An event at or before its channel's position is one the
   * stream already carried (live delivery that arrives after the replay read it): it is not
   * written again.
   */
  trackPositions(start: Map<string, string>): void {
    this.#positions = new ChannelPositions(start);
  }

  /**
   * Writes every frame of `batch` as one write (a stream that queues frames queues each with its
   * position and key, as {@link write} does). All or none: past `maxBufferedBytes` the stream is
   * evicted and every frame of the batch counts as dropped. Returns false when nothing was written.
   */
  writeBatch(batch: FrameBatch, now = Date.now()): boolean {
    const { frames } = batch;
    if (frames.length === 1 || this.#queue || this.#closed || this.#positions) {
      // A queue takes the batch whole or evicts: the same all-or-none as the direct path.
      if (this.#queue && !this.#closed && frames.length > 1) {
        let bytes = this.#queue.liveBytes + this.#buffered();
        for (const { frame } of frames) bytes += frame.length;
        if (bytes > this.#maxBufferedBytes) return this.#evict(frames.length);
      }
      for (let index = 0; index < frames.length; index += 1) {
        const { frame, id, channel, key } = frames[index]!;
        if (this.write(frame, id, now, channel, key)) continue;
        this.droppedEvents += frames.length - index - 1;
        return false;
      }
      return true;
    }
    return this.#writeNow(batch.joined, now, frames.length);
  }

  /** Holds live frames back until {@link releaseHeld}, so a replay can go first. */
  holdLive(): void {
    this.#queue ??= new FrameQueue();
  }

  /**
   * Stops holding: writes what `merge` makes of the held live frames (the replay and them, in
   * order), paced to the client: whenever the socket asks to wait, the rest waits for `drain`. Live
   * frames keep queuing behind, within `maxBufferedBytes`, so a replay of any size finishes for a
   * client that reads, and a client that does not is evicted once the live frames behind it pass
   * the cap.
   */
  releaseHeld(merge: (held: readonly HeldFrame[]) => readonly HeldFrame[]): void {
    if (this.#closed) return;
    const held = this.#queue?.frames() ?? [];
    const live = new Set<HeldFrame>(held);
    this.#queue = new FrameQueue(
      merge(held).map((event) => (live.has(event) ? (event as QueuedFrame) : { ...event, live: false })),
    );
    this.#writeQueued();
  }

  /**
   * Writes queued frames until Node holds its share ({@link QUEUE_FROM}) and the socket asks to
   * wait (then again on `drain`), or none is left. Filling Node up to its share, not just to the
   * socket's high-water mark, keeps a client that reads but lags fed in large writes.
   */
  #writeQueued(): void {
    this.#stopWaiting();
    const queue = this.#queue;
    for (let event = queue?.shift(); event && !this.#closed; event = queue!.shift()) {
      if (this.#positions?.written(event.channel, event.id)) continue;
      const more = this.#send(event.frame, Date.now());
      this.#advance(event.channel, event.id);
      if (!more && this.#buffered() >= this.#queueFrom()) {
        this.#waitForDrain();
        return;
      }
    }
    this.#endQueue();
  }

  #waitForDrain(): void {
    this.#onDrain ??= () => this.#writeQueued();
    this.#drainSource = this.#socket ?? this.#target;
    this.#drainSource.on('drain', this.#onDrain);
  }

  #stopWaiting(): void {
    if (this.#onDrain) this.#drainSource?.off('drain', this.#onDrain);
    this.#drainSource = undefined;
  }

  #endQueue(): void {
    this.#stopWaiting();
    this.#queue = undefined;
  }

  /** Bytes Node may hold before frames queue in the writer ({@link QUEUE_FROM}). */
  #queueFrom(): number {
    return this.#maxBufferedBytes * QUEUE_FROM;
  }

  /** Ends the stream, after writing `finalFrame` if given. */
  close(finalFrame?: Buffer, reason: CloseReason = 'server'): void {
    if (this.#closed) return;
    this.#carried = undefined;
    if (finalFrame) this.#writeNow(finalFrame);
    this.#finish(reason);
    this.#target.end();
  }

  /**
   * Writes `frame` (which holds `events` frames) unless that would pass `maxBufferedBytes`; once
   * Node holds more than {@link QUEUE_FROM} of it, what follows queues in the writer.
   */
  #writeNow(frame: Buffer, now = Date.now(), events = 1, keepAlive = false): boolean {
    if (this.#closed) return false;
    const buffered = this.#buffered() + frame.length;
    if (buffered > this.#maxBufferedBytes) return this.#evict(events);
    // The queue waits for `drain`, so it starts only on a write that asked to wait.
    if (!this.#send(frame, now, events, keepAlive) && buffered > this.#queueFrom() && !this.#queue) {
      this.#queue = new FrameQueue();
      this.#waitForDrain();
    }
    return true;
  }

  /** Bytes Node holds for the client: the socket's, on the direct path. */
  #buffered(): number {
    return this.#socket?.writable ? this.#socket.writableLength : this.#target.writableLength;
  }

  /**
   * Writes without a check, with a carried keep-alive behind it; returns false when the stream
   * asks the writer to wait for `drain`.
   */
  #send(frame: Buffer, now: number, events = 1, keepAlive = false): boolean {
    const socket = this.#socket;
    const carried = this.#carried;
    this.#carried = undefined;
    let more: boolean;
    if (socket?.writable) {
      // Corked until the next tick, as `res.write` does: a burst leaves in one writev per socket.
      if (!socket.writableCorked) {
        socket.cork();
        process.nextTick(uncork, socket);
      }
      const chunk = (keepAlive ? keepAliveChunks : eventChunks).of(frame);
      more = socket.write(carried ? carriedChunks.of(chunk, keepAliveChunks.of(carried)) : chunk);
    } else {
      more = this.#target.write(frame);
      if (carried) more = this.#target.write(carried);
    }
    this.eventsSent += carried ? events + 1 : events;
    this.bytesSent += carried ? frame.length + carried.length : frame.length;
    if (!keepAlive) this.lastActivityAt = now;
    return more;
  }

  /** On a stream with a cursor per channel, `channel` was written up to `id`: a cursor event follows at the end of the tick. */
  #advance(channel: string | undefined, id: string | undefined): void {
    if (!this.#positions?.advance(channel, id) || this.#cursorDue) return;
    this.#cursorDue = true;
    process.nextTick(EventStreamWriter.#writeCursor, this);
  }

  /** Writes the cursor event due at the end of the tick (see {@link trackPositions}). */
  static #writeCursor(writer: EventStreamWriter): void {
    writer.#cursorDue = false;
    if (writer.#positions) writer.#writeNow(writer.#positions.cursorFrame(), Date.now(), 0);
  }

  #evict(events = 1): false {
    this.droppedEvents += events;
    this.#finish('evicted');
    this.#target.destroy();
    return false;
  }

  /** The `close` listener of every target (`this`): the client went away, or the server ended the response. */
  static #onTargetClose(this: EventStreamTarget): void {
    // biome-ignore lint/complexity/noThisInStatic: Node calls a listener with its emitter, the target, as `this`.
    const writer = writerOfTarget.get(this);
    if (writer) writer.#finish('client');
  }

  #finish(reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#endQueue();
    this.#target.off('close', EventStreamWriter.#onTargetClose);
    writerOfTarget.delete(this.#target);
    this.closed(reason);
  }

  /** Called exactly once, when the stream ends for any reason. */
  protected closed(_reason: CloseReason): void {}
}
