/**
 * One request, one event stream fed by a source: an async generator, any async iterable, or a
 * Node `Readable` (the per-job progress stream, a log tail, an LLM answer), or a value read at an
 * interval (`poll`). Unlike a channel, it is not shared: the source is pulled at the pace the
 * client reads (the next item is requested once the previous one is written and, if Node's buffer
 * is full, drained).
 *
 * Ending: when the source is done (reason `done`), throws (`error`), stays silent past the idle
 * timeout (`idle`), or the client leaves (`client`) or stops reading (`evicted`). On every ending
 * the iterator's `return()` is called at once (and the `AbortSignal` given to a source factory
 * fires), so upstream work stops even while the source is waiting for its next item. An error
 * is logged and sent as a named error event (by default with a generic message, never the
 * error's text); then, unless the client is gone, the close message is sent and the response
 * ends normally.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { type DebugLogger, type DebugOption, readDebugOption } from '../broadcast/debugLog';
import { type CloseReason, DEFAULT_MAX_BUFFERED_BYTES, EventStreamWriter } from '../broadcast/eventStreamWriter';
import { KeepAlive, type KeepAliveOptions } from '../broadcast/keepAlive';
import { SINGLE_LINE } from '../protocol/fieldValidation';
import { type OpenEventStreamOptions, openEventStream } from '../protocol/openEventStream';
import { CLOSE_EVENT, type CloseEventData } from '../protocol/protocolEvents';
import { type EventData, serializeData } from '../protocol/serializeData';
import { encodeEvent } from '../protocol/wireFormat';
import { type Clock, isClock, systemClock } from '../time/clock';
import { describeValue } from '../validation/describeValue';
import { OptionReader } from '../validation/optionReader';
import { type PollRead, polledSource } from './polledSource';

export type { PollRead } from './polledSource';

/** Name of the event sent when the source or the transform throws. */
export const STREAM_ERROR_EVENT = 'sse:error';

/** One message of a stream. */
export interface StreamMessage {
  /** Event type; default the stream's `event` option (unset: the client's `message` event). */
  event?: string;
  /** Payload: text or JSX (also a promise of it), number, boolean or JSON-able object. */
  data: EventData;
  /** Event id, echoed by a reconnecting client as `Last-Event-ID`. */
  id?: string;
}

/**
 * Why a stream ended: the source finished (`done`) or threw (`error`), it was silent past the idle
 * timeout (`idle`), it reached its maximum duration (`maxDuration`), {@link SseStream.stop} ended
 * it (`stopped`), or the client left (`client`) or stopped reading (`evicted`).
 */
export type StreamEndReason = 'done' | 'error' | 'idle' | 'maxDuration' | 'stopped' | CloseReason;

/** What {@link SseStream.serve} resolves to once the response is over. */
export interface StreamOutcome {
  /** Why it ended. */
  reason: StreamEndReason;
  /** Messages written from the source (not counting initial, keep-alive, error or close messages). */
  sent: number;
}

/** Markup sent as an event of the stream's `event` type, or a whole {@link StreamMessage}. */
export type StreamMessageOption = StreamMessage | string;

/** A source, or a factory given a signal that aborts when the stream ends early. */
export type StreamSource<T> = AsyncIterable<T> | ((signal: AbortSignal) => AsyncIterable<T>);

/** Where errors are logged. */
export interface StreamLogger {
  error(message: string, error: unknown): void;
}

/** Options of {@link SseStream}. */
export interface SseStreamOptions<T> extends OpenEventStreamOptions {
  /**
   * Sent before anything from the source (e.g. the current state, or the Python library's
   * "Connected"): markup, or `{ event?, data, id? }`. Default: none.
   */
  initial?: StreamMessageOption;
  /** Event type of source messages that do not name one. Default: unnamed (`message`). */
  event?: string;
  /**
   * Turns an item into a message: return markup or a {@link StreamMessage}, or null/undefined to
   * skip the item. Default: a `Buffer` as UTF-8 text, anything else as event data (text, or JSON).
   */
  transform?: (
    item: T,
    index: number,
  ) => StreamMessage | string | null | undefined | Promise<StreamMessage | string | null | undefined>;
  /** Keep-alives while the source is quiet. Default: a named `sse:heartbeat` every 15 s. */
  keepAlive?: KeepAliveOptions;
  /** Ends the stream when the source yields nothing for this many ms. Default 0 (never). */
  idleTimeoutMs?: number;
  /** Ends the stream this many ms after it opened, however busy its source. Default 0 (never). */
  maxDurationMs?: number;
  /** For {@link SseStream.poll}: ms from one item written to the next read. Default 1000. */
  pollIntervalMs?: number;
  /**
   * For {@link SseStream.poll}: whether an item is the last; the stream ends (reason `done`) once it
   * is written. Default: the poll goes on until another ending.
   */
  pollUntil?: (item: T) => boolean;
  /**
   * Sent last when the stream ends while the client is there: markup, `{ event?, data, id? }`, or
   * `false` for nothing. Default: the protocol close event `sse:close` with
   * `{ reconnect: false, reason }`, so clients do not reconnect; a message of the app's own does
   * not say that, so a client reconnects after it unless it closes on that event.
   */
  closeMessage?: StreamMessageOption | false;
  /** Event type of the error event. Default `sse:error`. */
  errorEvent?: string;
  /** Data of the error event. Default `{ "error": "stream failed" }`. */
  errorData?: (error: unknown) => EventData;
  /** Bytes Node may buffer for a client that is not reading before it is evicted. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Where source and transform errors are logged. Default `console`. */
  logger?: StreamLogger;
  /**
   * This instance's debug line per ended stream: `true` to stderr, a function to receive each line,
   * `false` for none. Default: as `NODE_DEBUG=express-htmx-sse` says, for the whole process.
   */
  debug?: DebugOption;
  /**
   * @internal The clock of the idle timeout, the maximum duration and the keep-alives. Default:
   * the system clock; a test passes one it moves by hand.
   */
  clock?: Clock;
}

/** The writer of one served stream: its end is the stream's end. */
class IterableStreamWriter extends EventStreamWriter {
  readonly #onEnd: (reason: CloseReason) => void;

  constructor(target: ServerResponse, maxBufferedBytes: number, onEnd: (reason: CloseReason) => void) {
    super(target, maxBufferedBytes);
    this.#onEnd = onEnd;
  }

  protected override closed(reason: CloseReason): void {
    this.#onEnd(reason);
  }
}

/**
 * Serves sources as event streams, one per request, with shared options and one keep-alive timer.
 *
 * ```ts
 * const progress = new SseStream<number>({ transform: (percent) => <JobProgress jobId={id} value={percent} oob /> });
 * app.get('/jobs/:id/progress', (req, res) => progress.serve(req, res, (signal) => watchJob(req.params.id, signal)));
 * ```
 */
export class SseStream<T = unknown> {
  readonly #options: SseStreamOptions<T>;
  readonly #keepAlive: KeepAlive;
  readonly #maxBufferedBytes: number;
  readonly #idleTimeoutMs: number;
  readonly #maxDurationMs: number;
  readonly #pollIntervalMs: number;
  readonly #initial: StreamMessage | undefined;
  readonly #closeMessage: StreamMessage | false | undefined;
  readonly #clock: Clock;
  readonly #debug: DebugLogger;
  /** How to end each stream being served, for {@link stop}. */
  readonly #active = new Set<(reason: StreamEndReason) => void>();

  /** @throws TypeError naming a bad option. */
  constructor(options: SseStreamOptions<T> = {}) {
    const read = new OptionReader<SseStreamOptions<T>>('SseStream', options);
    this.#idleTimeoutMs = read.integer('idleTimeoutMs', 0);
    this.#maxDurationMs = read.integer('maxDurationMs', 0);
    this.#debug = readDebugOption(read.raw('debug'), (expected, value) => read.error('debug', expected, value));
    this.#pollIntervalMs = read.integer('pollIntervalMs', 1000, { min: 1 });
    read.optionalFunction('pollUntil');
    this.#maxBufferedBytes = read.integer('maxBufferedBytes', DEFAULT_MAX_BUFFERED_BYTES, { min: 1 });
    read.optionalFunction('transform');
    const logger = read.raw('logger');
    if (logger !== undefined && typeof logger?.error !== 'function')
      throw read.error('logger', 'an object with an error method', logger);
    const event = read.string('event', '', SINGLE_LINE, 'a string without CR, LF or NUL');
    this.#initial = readMessageOption(read, 'initial', event || undefined);
    const close = read.raw('closeMessage');
    this.#closeMessage = close === false ? false : readMessageOption(read, 'closeMessage', event || undefined);
    read.string('errorEvent', '', SINGLE_LINE, 'a string without CR, LF or NUL');
    const clock = read.raw('clock');
    if (clock !== undefined && !isClock(clock))
      throw read.error('clock', 'a clock with now, monotonic, setTimeout and clearTimeout', clock);
    this.#clock = clock ?? systemClock;
    this.#keepAlive = new KeepAlive(options.keepAlive, this.#clock);
    this.#options = options;
  }

  /** Streams being served now. */
  get size(): number {
    return this.#active.size;
  }

  /**
   * Ends every stream being served now (reason `stopped`): each source is stopped and each client
   * gets the close message. Streams served afterwards are not affected. Returns how many it ended.
   */
  stop(): number {
    const ends = [...this.#active];
    for (const end of ends) end('stopped');
    return ends.length;
  }

  /**
   * Opens the event stream on `res` and feeds it with what `read` returns (a value, or a promise of
   * one), read at once and then `pollIntervalMs` after each item is written, until `pollUntil` holds
   * for an item or another ending (idle, maximum duration, `stop`, the client); a throwing read is
   * the error ending. Each value goes through `transform` as any item (return null there to skip an
   * unchanged one). The Python library's callable source.
   *
   * ```ts
   * const progress = new SseStream<Job>({ pollIntervalMs: 500, pollUntil: (job) => job.done, transform: (job) => <JobProgress jobId={job.id} value={job.percent} oob /> });
   * app.get('/jobs/:id/progress', (req, res) => progress.poll(req, res, () => jobs.get(req.params.id)));
   * ```
   * @throws TypeError (a rejection, before anything is written) when `read` is not a function.
   */
  async poll(
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
    read: PollRead<T>,
  ): Promise<StreamOutcome> {
    if (typeof read !== 'function')
      throw new TypeError(`SseStream.poll: read must be a function, got ${describeValue(read)}`);
    const intervalMs = this.#pollIntervalMs;
    const { pollUntil: until } = this.#options;
    return this.serve(req, res, (signal) => polledSource(read, { intervalMs, until, signal, clock: this.#clock }));
  }

  /**
   * Opens the event stream on `res` and feeds it from `source` until one side ends. Once the
   * stream is open it never rejects: errors are logged and sent as the error event.
   * @throws TypeError (a rejection, before anything is written) when `source` is not async iterable.
   */
  async serve(
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
    source: StreamSource<T>,
  ): Promise<StreamOutcome> {
    const abort = new AbortController();
    const iterable = typeof source === 'function' ? source(abort.signal) : source;
    if (iterable === null || typeof iterable !== 'object' || typeof iterable[Symbol.asyncIterator] !== 'function') {
      throw new TypeError(
        `SseStream source must be an async iterable (or a function returning one), got ${describeValue(iterable)}`,
      );
    }
    const iterator = iterable[Symbol.asyncIterator]();
    let ended: StreamEndReason | undefined;
    let onEnd: (reason: StreamEndReason) => void = () => {};
    const endedEarly = new Promise<StreamEndReason>((resolve) => {
      onEnd = resolve;
    });
    // Stops the source now (not after the pending item) and wakes the loop below. return() on a
    // source that is already done or has thrown is a no-op, so it is called on every ending.
    const end = (reason: StreamEndReason): void => {
      if (ended) return;
      ended = reason;
      abort.abort();
      const failed = (error: unknown): void => this.#log(`SseStream: source return() failed after "${reason}"`, error);
      try {
        Promise.resolve(iterator.return?.()).catch(failed);
      } catch (error) {
        failed(error);
      }
      onEnd(reason);
    };

    openEventStream(req, res, this.#options);
    // Bounded writes, eviction of clients that stop reading, and keep-alive; no registry.
    const connection = new IterableStreamWriter(res as ServerResponse, this.#maxBufferedBytes, end);
    this.#keepAlive.add(connection);
    if (res.destroyed) end('client');
    this.#active.add(end);
    const clock = this.#clock;
    const lifetime =
      this.#maxDurationMs === 0 ? undefined : clock.setTimeout(() => end('maxDuration'), this.#maxDurationMs);

    let idleTimer: unknown;
    const armIdle = (): void => {
      if (this.#idleTimeoutMs === 0) return;
      clock.clearTimeout(idleTimer);
      idleTimer = clock.setTimeout(() => end('idle'), this.#idleTimeoutMs);
    };

    let sent = 0;
    try {
      if (this.#initial) await this.#write(connection, this.#initial);
      for (let index = 0; !ended; index += 1) {
        armIdle();
        const pending = iterator.next();
        pending.catch(() => {}); // when the stream ends first, a later rejection is not ours to report
        const step = await Promise.race([pending, endedEarly]);
        clock.clearTimeout(idleTimer); // idle measures the source's silence, not the client's reading
        if (typeof step === 'string' || step.done) break;
        const message = await this.#transform(step.value, index);
        if (ended) break;
        if (message && (await this.#write(connection, message))) sent += 1;
        // Aborted (and its listener removed) when the stream ends while waiting.
        if ((res as ServerResponse).writableNeedDrain && !ended)
          await once(res as ServerResponse, 'drain', { signal: abort.signal }).catch(() => {});
      }
      end('done');
    } catch (error) {
      end('error');
      this.#log('SseStream: source or transform failed', error);
      await this.#write(connection, {
        event: this.#options.errorEvent ?? STREAM_ERROR_EVENT,
        data: this.#errorData(error),
      }).catch((failure: unknown) => this.#log('SseStream: the error event could not be sent', failure));
    } finally {
      clock.clearTimeout(idleTimer);
      clock.clearTimeout(lifetime);
      this.#active.delete(end);
    }
    const reason = ended ?? 'done';
    if (connection.isOpen && reason !== 'client' && reason !== 'evicted') {
      const close = await this.#closeFrame(reason).catch((failure: unknown) => {
        this.#log('SseStream: the close message could not be sent', failure);
        return undefined;
      });
      connection.close(close, 'server');
    }
    this.#keepAlive.delete(connection);
    if (this.#debug.enabled) this.#debug('stream: %s ended (%s) after %d messages', req.url, reason, sent);
    return { reason, sent };
  }

  async #transform(item: T, index: number): Promise<StreamMessage | undefined> {
    const transform = this.#options.transform;
    if (!transform)
      return { event: this.#options.event, data: Buffer.isBuffer(item) ? item.toString('utf8') : (item as EventData) };
    const result = await transform(item, index);
    if (result === null || result === undefined) return undefined;
    if (typeof result === 'string') return { event: this.#options.event, data: result };
    if (typeof result !== 'object' || !('data' in result))
      throw new TypeError(
        `SseStream transform must return markup or { event?, data, id? }, got ${describeValue(result)}`,
      );
    return { event: this.#options.event, ...result };
  }

  /** Serializes and writes one message; false when the connection is gone. */
  async #write(connection: EventStreamWriter, message: StreamMessage): Promise<boolean> {
    const pending = serializeData(message.data);
    const data = typeof pending === 'string' ? pending : await pending;
    return connection.write(encodeEvent({ event: message.event, id: message.id, data }));
  }

  async #closeFrame(reason: StreamEndReason): Promise<Buffer | undefined> {
    const custom = this.#closeMessage;
    if (custom === false) return undefined;
    if (custom) {
      const pending = serializeData(custom.data);
      return encodeEvent({
        event: custom.event,
        id: custom.id,
        data: typeof pending === 'string' ? pending : await pending,
      });
    }
    const data: CloseEventData = { reconnect: false, reason };
    return encodeEvent({ event: CLOSE_EVENT, data: JSON.stringify(data) });
  }

  #errorData(error: unknown): EventData {
    if (!this.#options.errorData) return { error: 'stream failed' };
    try {
      return this.#options.errorData(error);
    } catch (failure) {
      this.#log('SseStream: errorData failed', failure);
      return { error: 'stream failed' };
    }
  }

  #log(message: string, error: unknown): void {
    (this.#options.logger ?? console).error(message, error);
  }
}

/**
 * A message option (`initial`, `closeMessage`) as a {@link StreamMessage}: markup becomes the data
 * of an event of the stream's `event` type. @throws TypeError naming a bad one.
 */
function readMessageOption<T>(
  read: OptionReader<SseStreamOptions<T>>,
  name: 'initial' | 'closeMessage',
  event: string | undefined,
): StreamMessage | undefined {
  const value: unknown = read.raw(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { event, data: value };
  const expected = `markup or { event?, data, id? }${name === 'closeMessage' ? ' or false' : ''}`;
  if (value === null || typeof value !== 'object' || !('data' in value) || value.data === undefined)
    throw read.error(name, expected, value);
  const message = value as StreamMessage;
  for (const field of ['event', 'id'] as const) {
    const text = message[field];
    if (text !== undefined && (typeof text !== 'string' || !SINGLE_LINE.test(text)))
      throw read.error(`${name}.${field}`, 'a string without CR, LF or NUL', text);
  }
  return { event, ...message };
}
