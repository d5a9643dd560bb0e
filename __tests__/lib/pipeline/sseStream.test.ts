import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express from 'express';
import { SseStream, type StreamOutcome } from '../../../lib/pipeline/sseStream';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { ManualClock } from '../../support/manualClock';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Resolves when `signal` aborts: how a test source waits for "the stream is over". */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A {@link ManualClock} that tells when a timer is set: how a test waits for a poll to start waiting. */
class SignallingClock extends ManualClock {
  #waiting: ((ms: number) => void)[] = [];

  override setTimeout(callback: () => void, ms: number): unknown {
    const timer = super.setTimeout(callback, ms);
    for (const resolve of this.#waiting.splice(0)) resolve(ms);
    return timer;
  }

  /** Resolves with the delay of the next timer set. */
  nextTimer(): Promise<number> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

const quiet = { keepAlive: { intervalMs: 0 }, retryMs: 60_000, retryJitterMs: 0 };

describe('SseStream', () => {
  let server: Server;
  let url: string;
  let route: ((req: IncomingMessage, res: ServerResponse) => unknown) | undefined;
  const clients: RecordingEventSource[] = [];

  beforeAll(async () => {
    const app = express();
    // Each test serves one stream; any reconnect after it is answered 204, which ends an EventSource.
    app.get('/stream', (req, res) => {
      const serve = route;
      route = undefined;
      if (!serve) return void res.status(204).end();
      return serve(req, res);
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function connect(types: string[]): RecordingEventSource {
    const client = new RecordingEventSource(url, types);
    clients.push(client);
    return client;
  }

  it('streams a generator in order: initial message, transformed (named) events with ids, then the close event', async () => {
    const outcome = deferred<StreamOutcome>();
    const stream = new SseStream<number>({
      ...quiet,
      initial: { event: 'state', data: 'starting' },
      event: 'progress',
      transform: (n) => (n === 2 ? null : n % 2 ? { data: { n }, id: `p${n}` } : `<b>${n}</b>`),
    });
    route = (req, res) =>
      stream
        .serve(
          req,
          res,
          (async function* () {
            for (let n = 0; n < 5; n += 1) yield n;
          })(),
        )
        .then(outcome.resolve);
    const client = connect(['state', 'progress', 'sse:close']);
    await client.received(1, 'sse:close');
    expect(client.events.map((event) => [event.type, event.data])).toEqual([
      ['state', 'starting'],
      ['progress', '<b>0</b>'],
      ['progress', '{"n":1}'],
      ['progress', '{"n":3}'],
      ['progress', '<b>4</b>'],
      ['sse:close', '{"reconnect":false,"reason":"done"}'],
    ]);
    expect(client.events.filter((event) => event.lastEventId !== '').map((event) => event.lastEventId)).toEqual([
      'p1',
      'p3',
    ]);
    await expect(outcome.promise).resolves.toEqual({ reason: 'done', sent: 4 });
  });

  it('calls the generator’s return() within one tick of the server seeing the client leave, and aborts the source', async () => {
    const outcome = deferred<StreamOutcome>();
    const returnCallsWhenCloseSeen = deferred<number>();
    const sourceFinished = deferred<boolean>();
    const stream = new SseStream<number>(quiet);
    route = (req, res) => {
      let returnCalls = 0;
      // Registered before serve(): this listener runs first, so one tick later serve's has run too.
      res.once('close', () => process.nextTick(() => returnCallsWhenCloseSeen.resolve(returnCalls)));
      return stream
        .serve(req, res, (signal) => {
          const generator = (async function* () {
            try {
              for (let n = 0; n < 1_000; n += 1) {
                yield n;
                if (n >= 2) await aborted(signal); // upstream is idle until the stream ends
              }
            } finally {
              sourceFinished.resolve(signal.aborted);
            }
          })();
          const original = generator.return.bind(generator);
          generator.return = (value) => {
            returnCalls += 1;
            return original(value);
          };
          return generator;
        })
        .then(outcome.resolve);
    };
    const client = connect([]);
    await client.received(3);
    client.close();
    expect(await returnCallsWhenCloseSeen.promise).toBe(1);
    await expect(sourceFinished.promise).resolves.toBe(true);
    await expect(outcome.promise).resolves.toEqual({ reason: 'client', sent: 3 });
    expect(client.data()).toEqual(['0', '1', '2']);
  });

  it('reports a throwing generator as a named error event (no error text leaks), logs it, and ends cleanly', async () => {
    const outcome = deferred<StreamOutcome>();
    const logger = { error: jest.fn() };
    const stream = new SseStream<string>({ ...quiet, logger });
    let response: ServerResponse | undefined;
    route = (req, res) => {
      response = res;
      return stream
        .serve(
          req,
          res,
          (async function* () {
            yield 'one';
            yield 'two';
            throw new Error('database password is hunter2');
          })(),
        )
        .then(outcome.resolve);
    };
    const client = connect(['sse:error', 'sse:close']);
    await client.received(1, 'sse:close');
    expect(client.events.map((event) => [event.type, event.data])).toEqual([
      ['message', 'one'],
      ['message', 'two'],
      ['sse:error', '{"error":"stream failed"}'],
      ['sse:close', '{"reconnect":false,"reason":"error"}'],
    ]);
    await expect(outcome.promise).resolves.toEqual({ reason: 'error', sent: 2 });
    expect(response?.writableEnded).toBe(true);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'SseStream: source or transform failed',
      expect.objectContaining({ message: 'database password is hunter2' }),
    );
    expect(JSON.stringify(client.events)).not.toContain('hunter2');
  });

  it('stops the source when the transform throws, with a custom error event and data', async () => {
    const outcome = deferred<StreamOutcome>();
    const sourceFinished = deferred<void>();
    const logger = { error: jest.fn() };
    const stream = new SseStream<number>({
      ...quiet,
      logger,
      errorEvent: 'job-error',
      errorData: (error) => ({ failed: (error as Error).name }),
      transform: (n) => {
        if (n === 1) throw new RangeError('bad item');
        return String(n);
      },
    });
    route = (req, res) =>
      stream
        .serve(
          req,
          res,
          (async function* () {
            try {
              for (let n = 0; n < 1_000; n += 1) yield n;
            } finally {
              sourceFinished.resolve();
            }
          })(),
        )
        .then(outcome.resolve);
    const client = connect(['job-error', 'sse:close']);
    await client.received(1, 'sse:close');
    await sourceFinished.promise;
    expect(client.events.map((event) => [event.type, event.data])).toEqual([
      ['message', '0'],
      ['job-error', '{"failed":"RangeError"}'],
      ['sse:close', '{"reconnect":false,"reason":"error"}'],
    ]);
    await expect(outcome.promise).resolves.toEqual({ reason: 'error', sent: 1 });
  });

  it('streams a Node Readable: Buffers as UTF-8 text, objects as JSON', async () => {
    const outcome = deferred<StreamOutcome>();
    const stream = new SseStream<Buffer | { step: number }>(quiet);
    route = (req, res) =>
      stream
        .serve(req, res, Readable.from([Buffer.from('héllo'), { step: 2 }, Buffer.from('line 1\nline 2')]))
        .then(outcome.resolve);
    const client = connect(['sse:close']);
    await client.received(1, 'sse:close');
    expect(client.data()).toEqual(['héllo', '{"step":2}', 'line 1\nline 2']);
    await expect(outcome.promise).resolves.toEqual({ reason: 'done', sent: 3 });
  });

  it('ends a source silent for the idle timeout, aborting it, with a custom close message; each item restarts the wait', async () => {
    const clock = new ManualClock();
    const outcome = deferred<StreamOutcome>();
    const second = deferred<void>();
    let source = new AbortController().signal;
    const stream = new SseStream<string>({
      ...quiet,
      clock,
      idleTimeoutMs: 30_000,
      closeMessage: { event: 'bye', data: 'idle' },
    });
    route = (req, res) =>
      stream
        .serve(req, res, async function* (signal) {
          source = signal;
          yield 'first';
          await second.promise;
          yield 'second';
          await aborted(signal);
        })
        .then(outcome.resolve);
    const client = connect(['bye']);
    await client.received(1);
    clock.advance(20_000);
    second.resolve();
    await client.received(2);
    // 40 s since the stream opened, 20 s since its last item: the wait began again with 'second'.
    // (The stream's end aborts the source's signal at once.)
    clock.advance(20_000);
    expect(source.aborted).toBe(false);
    clock.advance(9_999);
    expect(source.aborted).toBe(false);
    clock.advance(1);
    expect(source.aborted).toBe(true);
    await client.received(1, 'bye');
    expect(client.events.map((event) => [event.type, event.data])).toEqual([
      ['message', 'first'],
      ['message', 'second'],
      ['bye', 'idle'],
    ]);
    await expect(outcome.promise).resolves.toEqual({ reason: 'idle', sent: 2 });
    expect(clock.pending).toBe(0);
  });

  it('ends a busy source at its maximum duration with the close event, and stops the source', async () => {
    const clock = new ManualClock();
    const outcome = deferred<StreamOutcome>();
    const sourceFinished = deferred<void>();
    let source = new AbortController().signal;
    const stream = new SseStream<number>({ ...quiet, clock, maxDurationMs: 60_000 });
    route = (req, res) =>
      stream
        .serve(req, res, async function* (signal) {
          source = signal;
          // Busy: an item as soon as the client has taken the last, until the stream ends.
          try {
            for (let n = 0; !signal.aborted; n += 1) {
              yield n;
              await new Promise((resolve) => setImmediate(resolve));
            }
          } finally {
            sourceFinished.resolve();
          }
        })
        .then(outcome.resolve);
    const client = connect(['sse:close']);
    await client.received(3);
    clock.advance(59_999);
    expect(source.aborted).toBe(false);
    const before = client.events.length;
    await client.received(before + 3); // still streaming
    clock.advance(1);
    expect(source.aborted).toBe(true);
    await client.received(1, 'sse:close');
    expect(JSON.parse(client.data('sse:close')[0])).toEqual({ reconnect: false, reason: 'maxDuration' });
    await sourceFinished.promise;
    const { reason, sent } = await outcome.promise;
    expect(reason).toBe('maxDuration');
    expect(sent).toBe(client.data().length);
    expect(client.data()).toEqual(client.data().map((_data, index) => String(index)));
    expect(clock.pending).toBe(0);
  });

  it('stop() ends every stream being served with the close event and stops each source', async () => {
    const outcome = deferred<StreamOutcome>();
    const sourceAborted = deferred<void>();
    const stream = new SseStream<string>(quiet);
    route = (req, res) =>
      stream
        .serve(req, res, async function* (signal) {
          yield 'first';
          await aborted(signal);
          sourceAborted.resolve();
        })
        .then(outcome.resolve);
    const client = connect(['sse:close']);
    await client.received(1);
    expect(stream.size).toBe(1);
    expect(stream.stop()).toBe(1);
    await client.received(1, 'sse:close');
    expect(JSON.parse(client.data('sse:close')[0])).toEqual({ reconnect: false, reason: 'stopped' });
    await expect(outcome.promise).resolves.toEqual({ reason: 'stopped', sent: 1 });
    await sourceAborted.promise;
    expect(stream.size).toBe(0);
    expect(stream.stop()).toBe(0);
  });

  it('sends a keep-alive event every interval while the source is quiet', async () => {
    const clock = new ManualClock();
    const outcome = deferred<StreamOutcome>();
    const stream = new SseStream<string>({ clock, keepAlive: { intervalMs: 15_000 } });
    route = (req, res) =>
      stream
        .serve(req, res, async function* (signal) {
          await aborted(signal);
          yield 'never sent';
        })
        .then(outcome.resolve);
    const client = connect(['sse:heartbeat']);
    await client.opened();
    const openedAt = clock.now();
    clock.advance(45_000);
    await client.received(2, 'sse:heartbeat');
    // Each carries the time it was sent: the first after one interval, the next one interval later.
    const [first, second] = client.data('sse:heartbeat').map(Number);
    expect(first! - openedAt).toBeGreaterThanOrEqual(15_000);
    expect(first! - openedAt).toBeLessThan(30_000);
    // One round apart: 2 % (at most 100 ms) less than the interval, so never more than it.
    expect(second! - first!).toBe(14_900);
    client.close();
    await expect(outcome.promise).resolves.toEqual({ reason: 'client', sent: 0 });
    expect(client.data()).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('pulls the next item only once the client has taken the previous one (backpressure)', async () => {
    const outcome = deferred<StreamOutcome>();
    const backpressured = deferred<void>();
    const needDrainWhenPulled: boolean[] = [];
    const item = 'x'.repeat(64 * 1024);
    const stream = new SseStream<string>(quiet);
    route = (req, res) => {
      const write = res.write.bind(res) as (chunk: Buffer) => boolean;
      res.write = ((chunk: Buffer) => {
        const accepted = write(chunk);
        if (!accepted) backpressured.resolve();
        return accepted;
      }) as typeof res.write;
      return stream
        .serve(
          req,
          res,
          (async function* () {
            for (let n = 0; n < 200; n += 1) {
              yield item;
              needDrainWhenPulled.push(res.writableNeedDrain);
            }
          })(),
        )
        .then(outcome.resolve);
    };
    // A raw client that does not read until the server's buffer is full, then reads everything.
    const body = await new Promise<string>((resolve, reject) => {
      get(url, (response) => {
        response.pause();
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('close', () => resolve(text)); // also when the server cuts the stream
        backpressured.promise.then(() => response.resume());
      }).on('error', reject);
    });
    expect(body.split(`data: ${item}\n`).length - 1).toBe(200);
    expect(needDrainWhenPulled).toHaveLength(200);
    expect(needDrainWhenPulled.filter(Boolean)).toEqual([]);
    await expect(outcome.promise).resolves.toEqual({ reason: 'done', sent: 200 });
  });

  it("sends markup given as the opening and closing messages as events of the stream's type", async () => {
    const outcome = deferred<StreamOutcome>();
    const stream = new SseStream<string>({
      ...quiet,
      event: 'update',
      initial: 'Connected',
      closeMessage: 'Connection closed',
    });
    route = (req, res) =>
      stream
        .serve(
          req,
          res,
          (async function* () {
            yield '<b>1</b>';
          })(),
        )
        .then(outcome.resolve);
    const client = connect(['update']);
    await client.received(3, 'update');
    expect(client.events.map((event) => [event.type, event.data])).toEqual([
      ['update', 'Connected'],
      ['update', '<b>1</b>'],
      ['update', 'Connection closed'],
    ]);
    await expect(outcome.promise).resolves.toEqual({ reason: 'done', sent: 1 });
  });

  it('polls a read at once, then pollIntervalMs after each item is written, until pollUntil holds', async () => {
    const clock = new SignallingClock();
    const outcome = deferred<StreamOutcome>();
    const reads: number[] = [];
    const stream = new SseStream<number>({
      ...quiet,
      clock,
      pollIntervalMs: 1_000,
      pollUntil: (percent) => percent === 100,
      transform: (percent) => `<b>${percent}%</b>`,
    });
    route = (req, res) =>
      stream
        .poll(req, res, async (_signal, index) => {
          reads.push(index);
          return index * 50;
        })
        .then(outcome.resolve);
    const waits = clock.nextTimer();
    const client = connect(['sse:close']);
    await client.received(1);
    expect(await waits).toBe(1_000);
    expect(reads).toEqual([0]);
    for (const expected of [2, 3]) {
      clock.advance(999);
      expect(clock.pending).toBe(1); // not read again yet
      const next = expected < 3 ? clock.nextTimer() : undefined;
      clock.advance(1);
      expect(clock.pending).toBe(0);
      await client.received(expected);
      if (next) expect(await next).toBe(1_000);
    }
    await client.received(1, 'sse:close');
    expect(client.data()).toEqual(['<b>0%</b>', '<b>50%</b>', '<b>100%</b>']);
    expect(JSON.parse(client.data('sse:close')[0])).toEqual({ reconnect: false, reason: 'done' });
    await expect(outcome.promise).resolves.toEqual({ reason: 'done', sent: 3 });
    expect(reads).toEqual([0, 1, 2]);
    expect(clock.pending).toBe(0);
  });

  it('stops polling when the client leaves during a wait: the wait is cut short and nothing is read again', async () => {
    const clock = new SignallingClock();
    const outcome = deferred<StreamOutcome>();
    let reads = 0;
    let source = new AbortController().signal;
    const stream = new SseStream<string>({ ...quiet, clock, pollIntervalMs: 5_000 });
    route = (req, res) =>
      stream
        .poll(req, res, (signal) => {
          source = signal;
          reads += 1;
          return 'same';
        })
        .then(outcome.resolve);
    const waits = clock.nextTimer();
    const client = connect([]);
    await client.received(1);
    await waits;
    client.close();
    await expect(outcome.promise).resolves.toEqual({ reason: 'client', sent: 1 });
    expect(source.aborted).toBe(true);
    expect(clock.pending).toBe(0);
    expect(reads).toBe(1);
  });

  it('refuses bad options and a source that is not async iterable, naming them', async () => {
    expect(() => new SseStream({ idleTimeoutMs: -1 })).toThrow(
      'SseStream: option "idleTimeoutMs" must be an integer >= 0, got -1',
    );
    expect(() => new SseStream({ event: 'a\nb' })).toThrow(
      'SseStream: option "event" must be a string without CR, LF or NUL, got "a\\nb"',
    );
    expect(() => new SseStream({ transform: 'x' as never })).toThrow(
      'SseStream: option "transform" must be a function',
    );
    expect(() => new SseStream({ maxBufferedBytes: 0 })).toThrow('maxBufferedBytes');
    expect(() => new SseStream({ clock: { now: Date.now } as never })).toThrow(
      'SseStream: option "clock" must be a clock with now, monotonic, setTimeout and clearTimeout, got',
    );
    expect(() => new SseStream({ initial: 42 as never })).toThrow(
      'SseStream: option "initial" must be markup or { event?, data, id? }, got 42',
    );
    expect(() => new SseStream({ closeMessage: { event: 'a\nb', data: 'x' } })).toThrow(
      'SseStream: option "closeMessage.event" must be a string without CR, LF or NUL, got "a\\nb"',
    );
    expect(() => new SseStream({ closeMessage: { event: 'bye' } as never })).toThrow(
      'SseStream: option "closeMessage" must be markup or { event?, data, id? } or false, got',
    );
    expect(() => new SseStream({ pollIntervalMs: 0 })).toThrow(
      'SseStream: option "pollIntervalMs" must be an integer >= 1, got 0',
    );
    expect(() => new SseStream({ pollUntil: true as never })).toThrow(
      'SseStream: option "pollUntil" must be a function, got true',
    );
    const stream = new SseStream();
    await expect(stream.serve({} as never, {} as never, 42 as never)).rejects.toThrow(
      'source must be an async iterable (or a function returning one), got 42',
    );
    await expect(stream.poll({} as never, {} as never, 'read' as never)).rejects.toThrow(
      'SseStream.poll: read must be a function, got "read"',
    );
  });
});
