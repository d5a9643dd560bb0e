import type { IncomingHttpHeaders } from 'node:http';
import type { StreamTarget } from './streamTarget';
import {
  type OpenStreamOptions,
  openTestStream,
  type StopCondition,
  StreamRefusedError,
  type WaitOptions,
  type WaitResult,
} from './testStream';

/** Options of {@link collectEvents}: where to open the stream, and when to stop. */
export interface CollectOptions extends OpenStreamOptions, WaitOptions {
  /** A count of events or a predicate; without it, events are collected until the timeout or the end. */
  until?: StopCondition;
}

/**
 * Opens a stream, waits as {@link TestStream.waitFor} does, closes it, and resolves with the
 * events and why the wait ended. Rejects only when the stream could not be opened.
 */
export async function collectEvents(target: StreamTarget, options: CollectOptions = {}): Promise<WaitResult> {
  const { until, timeoutMs, ...open } = options;
  const stream = await openTestStream(target, open);
  try {
    return await stream.waitFor(until ?? (() => false), { timeoutMs });
  } finally {
    await stream.close();
  }
}

/** An HTTP refusal, as {@link expectRefusal} resolves it. */
export interface Refusal {
  /** The response status. */
  status: number;
  /** The response headers. */
  headers: IncomingHttpHeaders;
  /** The body: parsed JSON for a JSON response (the middleware's `{ error }`), else the text. */
  body: unknown;
}

/** Options of {@link expectRefusal}. */
export interface RefusalOptions extends OpenStreamOptions {
  /** The status the refusal must have; any non-stream answer is accepted without it. */
  status?: number;
}

/**
 * Requests a stream that must be refused. Resolves with the refusal; rejects when a stream
 * opened instead, or when the status is not `options.status`.
 */
export async function expectRefusal(target: StreamTarget, options: RefusalOptions = {}): Promise<Refusal> {
  const { status, ...open } = options;
  try {
    const stream = await openTestStream(target, open);
    await stream.close();
  } catch (error) {
    if (!(error instanceof StreamRefusedError)) throw error;
    if (status !== undefined && error.status !== status)
      throw new Error(`expectRefusal: expected HTTP ${status}, got ${error.status} ${JSON.stringify(error.body)}`);
    return { status: error.status, headers: error.headers, body: error.body };
  }
  throw new Error('expectRefusal: expected a refusal, but the event stream opened');
}
