import { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { withDeadline } from '../async/deadline';
import { type EventStreamBlock, EventStreamParser } from '../protocol/eventStreamParser';
import { CONNECTION_EVENT, CURSOR_EVENT } from '../protocol/protocolEvents';
import { OptionReader } from '../validation/optionReader';
import { type ResolvedTarget, resolveTarget, type StreamTarget } from './streamTarget';

/** Options of {@link openTestStream}. */
export interface OpenStreamOptions {
  /** Path (and query) to request, resolved against the target. Default: the target URL itself, or `/`. */
  path?: string;
  /** Sent as the `Last-Event-ID` header, as a reconnecting `EventSource` does. */
  lastEventId?: string;
  /** Further request headers (cookies, authorization, …). */
  headers?: Record<string, string>;
  /** How long to wait for the response headers before rejecting. Default 5000 ms. */
  connectTimeoutMs?: number;
}

/** One event the stream dispatched, with the fields a browser's `MessageEvent` carries. */
export interface ReceivedEvent {
  /** The event type: the `event:` field, or `message` when there was none. */
  type: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id seen so far on the stream (ids persist between events, as in `EventSource`). */
  lastEventId: string;
}

/** When a wait is over: after this many events, or at the first event for which the predicate holds. */
export type StopCondition = number | ((event: ReceivedEvent, events: readonly ReceivedEvent[]) => boolean);

/** Why a wait ended. */
export type WaitReason = 'count' | 'predicate' | 'timeout' | 'ended';

/** The outcome of a wait. */
export interface WaitResult {
  /** With `count` or `predicate`: the events up to the one that met the condition; else every event received. */
  events: ReceivedEvent[];
  /** `count` or `predicate` when the condition was met, `timeout`, or `ended` when the server closed first. */
  reason: WaitReason;
}

/** Options of {@link TestStream.waitFor}. */
export interface WaitOptions {
  /** Resolve with what arrived (reason `timeout`) once this long has passed. Default 5000 ms. */
  timeoutMs?: number;
}

/** An HTTP answer that was not an event stream. */
export class StreamRefusedError extends Error {
  /** The response status. */
  readonly status: number;
  /** The response headers. */
  readonly headers: IncomingHttpHeaders;
  /** The body: parsed JSON for a JSON response, else the text. */
  readonly body: unknown;

  /** @internal */
  constructor(status: number, headers: IncomingHttpHeaders, body: unknown) {
    super(`expected an event stream, got HTTP ${status} (${headers['content-type'] ?? 'no content type'})`);
    this.name = 'StreamRefusedError';
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

const MAX_REFUSAL_BODY_BYTES = 65_536;

interface Waiter {
  until: StopCondition;
  finish(result: WaitResult): void;
}

function isEventStream(response: IncomingMessage): boolean {
  return response.statusCode === 200 && /^text\/event-stream\b/i.test(response.headers['content-type'] ?? '');
}

function readRefusal(response: IncomingMessage): Promise<StreamRefusedError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_REFUSAL_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    response.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      if (/json/i.test(response.headers['content-type'] ?? '')) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      resolve(new StreamRefusedError(response.statusCode ?? 0, response.headers, body));
    });
  });
}

/** Which of `events` (the last one just added) meets `until`, as an index, or -1. */
function metAt(until: StopCondition, events: readonly ReceivedEvent[], from: number): number {
  if (typeof until === 'number') return events.length >= until ? until - 1 : -1;
  for (let index = from; index < events.length; index += 1) if (until(events[index], events)) return index;
  return -1;
}

/**
 * An open event stream seen as a browser's `EventSource` sees it, without reconnecting: the
 * events parsed so far, and waits for more. Close it when done.
 */
export class TestStream {
  /** The response status (200). */
  readonly status: number;
  /** The response headers. */
  readonly headers: IncomingHttpHeaders;
  readonly #events: ReceivedEvent[] = [];
  readonly #parser = new EventStreamParser();
  readonly #waiters = new Set<Waiter>();
  readonly #request: ClientRequest;
  readonly #response: IncomingMessage;
  readonly #target: ResolvedTarget;
  readonly #ended: Promise<void>;
  #isEnded = false;
  #connectionId: string | undefined;

  /** @internal Use {@link openTestStream}. */
  constructor(requested: ClientRequest, response: IncomingMessage, target: ResolvedTarget) {
    this.#request = requested;
    this.#response = response;
    this.#target = target;
    this.status = response.statusCode ?? 0;
    this.headers = response.headers;
    response.on('data', (chunk: Buffer) => {
      for (const block of this.#parser.push(chunk)) if (block.dispatched) this.#received(block);
    });
    this.#ended = new Promise((resolve) => {
      response.once('close', () => {
        this.#isEnded = true;
        for (const waiter of [...this.#waiters]) waiter.finish({ events: [...this.#events], reason: 'ended' });
        resolve();
      });
    });
  }

  /** The id the server gave this stream (its `sse:connection` event), once it has arrived. */
  get connectionId(): string | undefined {
    return this.#connectionId;
  }

  /**
   * Every event received so far, in order: the app's events and the library's `sse:gap`,
   * `sse:close` and `sse:heartbeat`, but not the opening `sse:cursor` and `sse:connection`, which
   * only set {@link lastEventId} and {@link connectionId}.
   */
  get events(): readonly ReceivedEvent[] {
    return this.#events;
  }

  /** The `retry:` the server sent, if any. */
  get retry(): number | undefined {
    return this.#parser.retry;
  }

  /** The last event id the stream set: what a reconnecting `EventSource` would send as `Last-Event-ID`. */
  get lastEventId(): string {
    return this.#parser.lastEventId;
  }

  /** Whether the server (or {@link close}) ended the stream. */
  get ended(): boolean {
    return this.#isEnded;
  }

  /**
   * Resolves once `until` is met by the events received so far or later (a count of events, or a
   * predicate tried on each event in order), once the stream ends, or at the timeout. Never rejects.
   */
  waitFor(until: StopCondition, options: WaitOptions = {}): Promise<WaitResult> {
    const read = new OptionReader<WaitOptions>('waitFor', options);
    const timeoutMs = read.integer('timeoutMs', 5000, { min: 0 });
    if (typeof until === 'number' && !(Number.isInteger(until) && until >= 0))
      throw new RangeError(`waitFor: count must be a whole number of events, got ${until}`);
    if (typeof until !== 'number' && typeof until !== 'function')
      throw new TypeError(`waitFor: until must be a count or a predicate, got ${typeof until}`);
    const reason: WaitReason = typeof until === 'number' ? 'count' : 'predicate';
    const index = metAt(until, this.#events, 0);
    if (index !== -1) return Promise.resolve({ events: this.#events.slice(0, index + 1), reason });
    if (this.#isEnded) return Promise.resolve({ events: [...this.#events], reason: 'ended' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => waiter.finish({ events: [...this.#events], reason: 'timeout' }), timeoutMs);
      timer.unref();
      const waiter: Waiter = {
        until,
        finish: (result) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(result);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Ends the stream from the client side (as a closed tab does) and stops any server started for it. */
  async close(): Promise<void> {
    this.#request.destroy();
    this.#response.destroy();
    await this.#ended;
    await this.#target.release();
  }

  #received({ type, data, lastEventId }: EventStreamBlock): void {
    // The stream's own opening events say where it starts and who it is; they are not the app's.
    if (type === CURSOR_EVENT) return;
    if (type === CONNECTION_EVENT) {
      this.#connectionId = data;
      return;
    }
    this.#events.push({ type, data, lastEventId });
    const last = this.#events.length - 1;
    for (const waiter of [...this.#waiters]) {
      const index = metAt(waiter.until, this.#events, last);
      if (index !== -1) {
        const reason: WaitReason = typeof waiter.until === 'number' ? 'count' : 'predicate';
        waiter.finish({ events: this.#events.slice(0, index + 1), reason });
      }
    }
  }
}

/**
 * Opens an event stream on `target` (an Express app, a server, or an `http:` URL). Resolves once
 * the response headers say `200 text/event-stream`; rejects with {@link StreamRefusedError} on any
 * other answer, and with an `Error` when no answer came within `connectTimeoutMs`.
 */
export async function openTestStream(target: StreamTarget, options: OpenStreamOptions = {}): Promise<TestStream> {
  const read = new OptionReader<OpenStreamOptions>('openTestStream', options);
  const connectTimeoutMs = read.integer('connectTimeoutMs', 5000, { min: 1 });
  const path = read.raw('path');
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    throw read.error('path', 'a path starting with "/"', path);
  const lastEventId = read.raw('lastEventId');
  if (lastEventId !== undefined && typeof lastEventId !== 'string')
    throw read.error('lastEventId', 'a string', lastEventId);
  const resolved = await resolveTarget(target);
  const url = path === undefined ? resolved.baseUrl : new URL(path, resolved.baseUrl);
  const headers: Record<string, string> = { accept: 'text/event-stream', ...read.raw('headers') };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const requested = request(url, { headers });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    requested.once('response', resolve);
    requested.once('error', reject);
  });
  requested.end();
  try {
    const response = await withDeadline(
      answered,
      connectTimeoutMs,
      () => new Error(`openTestStream: no response from ${url.href} within ${connectTimeoutMs} ms`),
    );
    if (isEventStream(response)) return new TestStream(requested, response, resolved);
    throw await readRefusal(response);
  } catch (error) {
    requested.destroy();
    await resolved.release();
    throw error;
  }
}
