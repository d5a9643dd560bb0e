import { connect, type Socket } from 'node:net';
import type { DeliveryResult, HoldResult } from './benchProtocol';
import { HttpStreamReader } from './httpStreamReader';
import { publishedAtOf, sequenceInPayload, wallClockMs } from './payloads';
import { type NumberedEvent, StreamChecker } from './streamChecker';

/** One open stream of the load generator. */
interface Stream {
  socket: Socket;
  checker: StreamChecker;
  open: boolean;
  /** Whether it has received the last event of the current plan. */
  done: boolean;
  /** While a hold watches silences: keep-alives seen, when the last came, the longest wait. */
  keepAlivesSeen: number;
  lastKeepAliveAt: number;
  longestSilenceMs: number;
}

/** Options of {@link LoadGenerator.expect}. */
export interface ExpectOptions {
  firstSequence: number;
  count: number;
  minDataLength: number;
  /** Keep every publish-to-receipt time (latency scenarios) rather than only the first and last. */
  recordLatency: boolean;
  timeoutMs: number;
  /** Where the sequence is read: the event id, or the payload's stamp (Redis stream ids). */
  sequenceFrom: 'id' | 'payload';
  /**
   * With `sequenceFrom: 'payload'`: each stream carries one of every `payloadStride` events of the
   * plan (its one channel of that many, published in turn), so its n-th is numbered n. Default 1.
   */
  payloadStride?: number;
}

const MAX_LATENCY_SAMPLES = 2_000_000;

/** Numbers a stream's events 1, 2, 3 … when it carries one of every `stride` of the plan's. */
function strided(stride: number): (id: string, data: string) => number {
  return stride === 1 ? sequenceInPayload : (id, data) => Math.ceil(sequenceInPayload(id, data) / stride);
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/**
 * Opens N event streams over loopback, parses each with a {@link StreamChecker}, and reports
 * when every stream has every event of a plan, or what is missing when time runs out.
 */
export class LoadGenerator {
  readonly #streams: Stream[] = [];
  /** When the chunk being parsed arrived: one clock read per chunk, not per event. */
  #chunkReceivedAt = 0;
  #plan: (ExpectOptions & { lastSequence: number }) | undefined;
  #pending = 0;
  #onComplete: (() => void) | undefined;
  #firstPublishedAt = Number.NaN;
  #lastCompletedAt = Number.NaN;
  #latencies = new Float64Array(0);
  #latencyCount = 0;
  #fanOut: Float64Array = new Float64Array(0);
  /** Whether a hold is timing the waits between keep-alives. */
  #watchingSilence = false;

  /** Streams open now. */
  get openStreams(): number {
    return this.#streams.reduce((open, stream) => open + (stream.open ? 1 : 0), 0);
  }

  /**
   * Opens `count` streams, at most `concurrency` connecting at once, within `timeoutMs`; from the
   * given loopback source addresses in turn, when given.
   */
  async connect(
    url: { port: number; path: string },
    count: number,
    concurrency: number,
    timeoutMs: number,
    sourceAddresses: readonly string[] = [],
  ): Promise<{ open: number; failed: number; firstError: string | undefined }> {
    const deadline = performance.now() + timeoutMs;
    let failed = 0;
    let firstError: string | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count && performance.now() < deadline) {
        const localAddress = sourceAddresses[next % sourceAddresses.length];
        next += 1;
        try {
          await this.#open(url, deadline - performance.now(), localAddress);
        } catch (error) {
          failed += 1;
          firstError ??= (error as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return { open: this.openStreams, failed: failed + (count - next), firstError };
  }

  /** Starts checking a plan on every open stream; resolves with what arrived. */
  expect(options: ExpectOptions): Promise<DeliveryResult> {
    const lastSequence = options.firstSequence + options.count - 1;
    this.#plan = { ...options, lastSequence };
    this.#firstPublishedAt = Number.NaN;
    this.#lastCompletedAt = Number.NaN;
    this.#latencyCount = 0;
    this.#latencies = new Float64Array(
      options.recordLatency ? Math.min(MAX_LATENCY_SAMPLES, options.count * this.#streams.length) : 0,
    );
    this.#fanOut = new Float64Array(options.count);
    this.#pending = 0;
    for (const stream of this.#streams) {
      stream.checker = new StreamChecker({
        firstSequence: options.firstSequence,
        minDataLength: options.minDataLength,
        onEvent: this.#onEvent,
        sequenceOf: options.sequenceFrom === 'payload' ? strided(options.payloadStride ?? 1) : undefined,
      });
      stream.done = !stream.open;
      if (!stream.done) this.#pending += 1;
    }
    return new Promise((resolve) => {
      const finish = (timedOut: boolean): void => {
        clearTimeout(timer);
        this.#onComplete = undefined;
        resolve(this.#result(timedOut));
      };
      const timer = setTimeout(() => finish(true), options.timeoutMs);
      this.#onComplete = () => finish(false);
      if (this.#pending === 0) finish(false);
    });
  }

  /**
   * Waits `durationMs`, then counts open streams that received a keep-alive meanwhile; with
   * `silenceLimitMs`, also times each stream's waits for one (from the start, between two, to the
   * end). A plan checked meanwhile must have started before the hold (it renews the checkers).
   */
  async hold(durationMs: number, silenceLimitMs?: number): Promise<HoldResult> {
    const started = wallClockMs();
    const before = this.#streams.map((stream) => stream.checker.keepAlives);
    for (const stream of this.#streams) {
      stream.keepAlivesSeen = stream.checker.keepAlives;
      stream.lastKeepAliveAt = started;
      stream.longestSilenceMs = 0;
    }
    this.#watchingSilence = silenceLimitMs !== undefined;
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    this.#watchingSilence = false;
    const ended = wallClockMs();
    const result: HoldResult = { open: this.openStreams, withKeepAlive: 0 };
    let longestSilenceMs = 0;
    let overSilenceLimit = 0;
    for (const [index, stream] of this.#streams.entries()) {
      if (!stream.open) continue;
      if (stream.checker.keepAlives > before[index]!) result.withKeepAlive += 1;
      const longest = Math.max(stream.longestSilenceMs, ended - stream.lastKeepAliveAt);
      longestSilenceMs = Math.max(longestSilenceMs, longest);
      if (silenceLimitMs !== undefined && longest > silenceLimitMs) overSilenceLimit += 1;
    }
    return silenceLimitMs === undefined ? result : { ...result, longestSilenceMs, overSilenceLimit };
  }

  /** Opens one stream over a plain socket (see `HttpStreamReader` for why not `http.get`). */
  #open(url: { port: number; path: string }, timeoutMs: number, localAddress: string | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: url.port, noDelay: true, localAddress });
      const stream: Stream = {
        socket,
        checker: new StreamChecker({ firstSequence: 1 }),
        open: false,
        done: true,
        keepAlivesSeen: 0,
        lastKeepAliveAt: 0,
        longestSilenceMs: 0,
      };
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no response within ${Math.round(timeoutMs)} ms`)), timeoutMs);
      const reader = new HttpStreamReader({
        onHead: ({ status }) => {
          if (status !== 200) return fail(new Error(`HTTP ${status}`));
          clearTimeout(timer);
          stream.open = true;
          this.#streams.push(stream);
          resolve();
        },
        onText: (text) => this.#data(stream, text),
        onError: (error) => (stream.open ? socket.destroy() : fail(error)),
      });
      socket.on('data', (bytes: Buffer) => reader.push(bytes));
      socket.on('error', (error) => (stream.open ? undefined : fail(error)));
      socket.once('close', () => {
        if (!stream.open) fail(new Error('connection closed before the response head'));
        this.#closed(stream);
      });
      socket.write(`GET ${url.path} HTTP/1.1\r\nHost: 127.0.0.1:${url.port}\r\nAccept: text/event-stream\r\n\r\n`);
    });
  }

  #data(stream: Stream, text: string): void {
    this.#chunkReceivedAt = wallClockMs();
    stream.checker.push(text);
    if (this.#watchingSilence && stream.checker.keepAlives !== stream.keepAlivesSeen) {
      stream.keepAlivesSeen = stream.checker.keepAlives;
      stream.longestSilenceMs = Math.max(stream.longestSilenceMs, this.#chunkReceivedAt - stream.lastKeepAliveAt);
      stream.lastKeepAliveAt = this.#chunkReceivedAt;
    }
    const plan = this.#plan;
    if (!stream.done && plan && stream.checker.expectedSequence > plan.lastSequence) {
      stream.done = true;
      this.#lastCompletedAt = this.#chunkReceivedAt;
      this.#settle();
    }
  }

  readonly #onEvent = (event: NumberedEvent): void => {
    const plan = this.#plan;
    if (!plan) return;
    const index = event.sequence - plan.firstSequence;
    if (!(plan.recordLatency || index === 0) || index < 0 || index >= plan.count) return;
    const publishedAt = publishedAtOf(event.data);
    const latency = this.#chunkReceivedAt - publishedAt;
    if (index === 0 && Number.isNaN(this.#firstPublishedAt)) this.#firstPublishedAt = publishedAt;
    if (latency > this.#fanOut[index]!) this.#fanOut[index] = latency;
    if (plan.recordLatency && this.#latencyCount < this.#latencies.length)
      this.#latencies[this.#latencyCount++] = latency;
  };

  #closed(stream: Stream): void {
    if (!stream.open) return;
    stream.open = false;
    if (!stream.done) {
      stream.done = true;
      this.#settle();
    }
  }

  #settle(): void {
    this.#pending -= 1;
    if (this.#pending === 0) this.#onComplete?.();
  }

  #result(timedOut: boolean): DeliveryResult {
    const plan = this.#plan!;
    this.#plan = undefined;
    const result: DeliveryResult = {
      connections: this.#streams.length,
      complete: 0,
      delivered: 0,
      missing: 0,
      duplicates: 0,
      badData: 0,
      closed: 0,
      timedOut,
      elapsedMs: this.#lastCompletedAt - this.#firstPublishedAt,
      latency: undefined,
      fanOutMs: [],
      missingExamples: [],
      duplicateExamples: [],
    };
    for (const stream of this.#streams) {
      const report = stream.checker.finish(plan.lastSequence);
      if (stream.checker.expectedSequence > plan.lastSequence) result.complete += 1;
      if (!stream.open) result.closed += 1;
      result.delivered += report.events;
      result.missing += report.missing;
      result.duplicates += report.duplicates;
      result.badData += report.badData;
      if (result.missingExamples.length === 0) result.missingExamples = report.missingExamples;
      if (result.duplicateExamples.length === 0) result.duplicateExamples = report.duplicateExamples;
    }
    if (plan.recordLatency && this.#latencyCount > 0) {
      const sorted = this.#latencies.subarray(0, this.#latencyCount).sort();
      result.latency = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]! };
    }
    if (plan.recordLatency) result.fanOutMs = Array.from(this.#fanOut);
    return result;
  }
}
