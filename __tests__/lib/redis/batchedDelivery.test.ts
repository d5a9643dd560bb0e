import { connect, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CloseReason } from '../../../lib/broadcast/eventStreamWriter';
import { RedisBus } from '../../../redis';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisServer } from '../../support/redisServer';
import { SocketWrites } from '../../support/socketWrites';
import { startTestServer, type TestServer } from '../../support/testServer';
import { settleWithin } from './settleWithin';

const CONNECTION_EVENT = 'sse:connection';

/**
 * What one read of the Redis bus returns reaches each connection in one socket write, and
 * batching keeps every guarantee: each connection's channels and excludes, exactly once and in
 * order, no duplicate of a frame held during a replay, eviction at `maxBufferedBytes`.
 */
describe('RedisBus delivers each read in one write per connection', () => {
  let redis: RedisServer;
  let server: TestServer<undefined> | undefined;
  let stalled: Socket | undefined;
  const clients: RecordingEventSource[] = [];
  let prefixCount = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    stalled?.destroy();
    stalled = undefined;
    for (const client of clients.splice(0)) client.close();
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    await redis.dispose();
  });

  /** A test server on a fresh RedisBus, with its socket writes recorded. */
  async function startServer(
    options: { maxBufferedBytes?: number; readCount?: number } = {},
  ): Promise<{ server: TestServer<undefined>; writes: SocketWrites }> {
    prefixCount += 1;
    const bus = new RedisBus({
      url: redis.url,
      keyPrefix: `batched-${prefixCount}:`,
      commandTimeoutMs: 10_000,
      blockMs: 1000,
      readCount: options.readCount,
    });
    await bus.ready();
    server = await startTestServer<undefined>(
      { keepAlive: { intervalMs: 60_000 } },
      { bus, maxBufferedBytes: options.maxBufferedBytes },
    );
    return { server, writes: new SocketWrites(server.server) };
  }

  /** A client whose stream has started (its `sse:connection` event arrived); returns it with its connection id. */
  async function listen(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ client: RecordingEventSource; id: string }> {
    const client = new RecordingEventSource(url, [CONNECTION_EVENT], headers);
    clients.push(client);
    await client.received(1, CONNECTION_EVENT);
    return { client, id: client.data(CONNECTION_EVENT)[0] };
  }

  /**
   * Freezes Redis while `issue` sends its commands (publishes, a replay), which wait in Redis's
   * socket; once Redis resumes it runs them all before the reader's next read, so their events
   * come back together (in the read that the first of them ends and the one that follows it at
   * once). `issue` resolves once everything is sent, with promises of the answers inside.
   */
  async function pileUp<T>(issue: () => T | Promise<T>): Promise<T> {
    redis.pause();
    try {
      const issued = await issue();
      // node-redis writes what it queued on the next turn of the event loop.
      await nextTurn();
      return issued;
    } finally {
      redis.resume();
    }
  }

  /** The data lines of the events in `chunks`, in order. */
  function dataLines(chunks: readonly Buffer[]): string[] {
    return Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice('data: '.length));
  }

  it('writes what one read returns to each connection as one socket write, and counts every event', async () => {
    const { server, writes } = await startServer();
    const first = await listen(`${server.url}/sse/news`);
    const second = await listen(`${server.url}/sse/news`);
    const marks = [first, second].map(({ id }) => writes.of(id).length);
    const sentBefore = server.broadcaster.stats().eventsSent;

    const sent = ['one', 'two', 'three', 'four', 'five', 'six'];
    const { receipts } = await pileUp(() => ({
      receipts: Promise.all(sent.map((data) => server.broadcaster.publish('news', { data }))),
    }));
    await settleWithin(
      Promise.all([first.client.received(sent.length), second.client.received(sent.length)]),
      15_000,
      'both clients receive the burst',
    );

    [first, second].forEach(({ client, id }, index) => {
      const burst = writes.of(id).slice(marks[index]);
      expect(burst).toHaveLength(1);
      expect(dataLines(burst)).toEqual(sent);
      expect(client.data()).toEqual(sent);
    });
    expect((await receipts).map((receipt) => receipt.delivered)).toEqual(sent.map(() => 2));
    expect(server.broadcaster.stats().eventsSent - sentBefore).toBe(2 * sent.length);
  });

  it('gives each connection of a batch over several channels exactly its events, once each, in order', async () => {
    const { server, writes } = await startServer();
    const onA = await listen(`${server.url}/sse/a`);
    const onB = await listen(`${server.url}/sse/b`);
    const onBoth = await listen(`${server.url}/sse?channels=a,b`);
    const excluded = await listen(`${server.url}/sse?channels=a,b`);
    const everyone = [onA, onB, onBoth, excluded];
    const marks = everyone.map(({ id }) => writes.of(id).length);

    const plan: { channel: string; data: string; exclude?: string }[] = [
      { channel: 'a', data: 'a1' },
      { channel: 'b', data: 'b1' },
      { channel: 'a', data: 'a2', exclude: excluded.id },
      { channel: 'b', data: 'b2' },
      { channel: 'a', data: 'a3' },
    ];
    const { receipts } = await pileUp(() => ({
      receipts: Promise.all(
        plan.map(({ channel, data, exclude }) => server.broadcaster.publish(channel, { data }, { exclude })),
      ),
    }));
    const expected = [
      ['a1', 'a2', 'a3'],
      ['b1', 'b2'],
      ['a1', 'b1', 'a2', 'b2', 'a3'],
      ['a1', 'b1', 'b2', 'a3'],
    ];
    await settleWithin(
      Promise.all(everyone.map(({ client }, index) => client.received(expected[index].length))),
      15_000,
      'every client receives its part of the burst',
    );
    // One live event on each channel afterwards: anything sent twice would have arrived before it.
    await server.broadcaster.publish('a', { data: 'after-a' });
    await server.broadcaster.publish('b', { data: 'after-b' });
    const after = [['after-a'], ['after-b'], ['after-a', 'after-b'], ['after-a', 'after-b']];
    await settleWithin(
      Promise.all(everyone.map(({ client }, index) => client.received(expected[index].length + after[index].length))),
      15_000,
      'every client receives the live events after the burst',
    );

    everyone.forEach(({ client, id }, index) => {
      expect(client.data()).toEqual([...expected[index], ...after[index]]);
      const burst = writes.of(id).slice(marks[index], marks[index] + 1);
      expect(dataLines(burst)).toEqual(expected[index]);
    });
    expect((await receipts).map((receipt) => receipt.delivered)).toEqual([3, 3, 2, 3, 3]);
  });

  it('writes a frame held during a replay once when the same frame also arrives in a batch', async () => {
    const { server } = await startServer();
    // Keeps the channel followed while the replaying client is away.
    const keeper = await listen(`${server.url}/sse/feed`);
    const visitor = await listen(`${server.url}/sse/feed`);
    await server.broadcaster.publish('feed', { data: 'before' });
    await settleWithin(visitor.client.received(1), 10_000, 'the first event');
    const cursor = visitor.client.events.find((event) => event.type === 'message')!.lastEventId;
    const left = new Promise<void>((resolve) => server.broadcaster.once('disconnect', () => resolve()));
    visitor.client.close();
    await settleWithin(left, 10_000, 'the visitor leaves');
    const replays: number[] = [];
    server.broadcaster.on('replay', (_info, outcome) => replays.push(outcome.replayed));

    const missed = ['m1', 'm2', 'm3', 'm4'];
    let back!: RecordingEventSource;
    const { receipts } = await pileUp(async () => {
      const publishing = Promise.all(missed.map((data) => server.broadcaster.publish('feed', { data })));
      // Connects while the missed events wait in Redis: its replay reads them, and the reader
      // delivers them to it too, while it holds live frames behind that replay.
      const connected = new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
      back = new RecordingEventSource(`${server.url}/sse/feed`, [], { 'Last-Event-ID': cursor });
      clients.push(back);
      await connected;
      return { receipts: publishing };
    });
    await server.broadcaster.publish('feed', { data: 'live' });
    await settleWithin(back.received(missed.length + 1), 15_000, 'the replayed and live events');
    await settleWithin(keeper.client.received(missed.length + 2), 15_000, 'the keeper gets every event');

    expect(back.data()).toEqual([...missed, 'live']);
    expect(keeper.client.data()).toEqual(['before', ...missed, 'live']);
    // Each missed event was written live to both streams: the returning one held it behind its replay.
    expect((await receipts).map((receipt) => receipt.delivered)).toEqual(missed.map(() => 2));
    expect(replays).toEqual([missed.length]);
  });

  it('still evicts a client that does not read once a batch would pass maxBufferedBytes, and the others get the batch', async () => {
    const cap = 256 * 1024;
    // Small events, so that Redis takes the whole batch in one read of its socket (16 KiB).
    const batchEvents = 10;
    const smallBytes = 1024;
    const { server, writes } = await startServer({ maxBufferedBytes: cap });
    const closes = new Map<string, CloseReason>();
    server.broadcaster.on('disconnect', (info, reason) => closes.set(info.id, reason));

    const opened = new Promise<string>((resolve) => server.broadcaster.once('connect', (info) => resolve(info.id)));
    stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
    stalled.on('error', () => {}); // the server resets it when evicting
    stalled.write('GET /sse/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    stalled.pause(); // and never read again
    const stalledId = await opened;
    const healthy = await listen(`${server.url}/sse/feed`);

    const sent: string[] = [];
    const bufferedOfStalled = (): number =>
      server.broadcaster.connections('feed').find((info) => info.id === stalledId)?.bufferedBytes ?? 0;
    let maxBuffered = 0;
    /** Publishes events of about `eventBytes`, one at a time, until Node holds more than `cap - room` for the stalled client. */
    const publishUntil = async (eventBytes: number, room: number): Promise<void> => {
      const payload = 'x'.repeat(eventBytes - 32);
      for (let i = 0; i < 4000 && bufferedOfStalled() <= cap - room; i += 1) {
        sent.push(`${sent.length} ${payload}`);
        await server.broadcaster.publish('feed', { data: sent.at(-1)! });
        await healthy.client.received(sent.length);
        maxBuffered = Math.max(maxBuffered, bufferedOfStalled());
      }
    };
    // Large events fill the kernel's buffers and most of the cap, small ones leave less room than the batch.
    await publishUntil(16 * 1024, 64 * 1024);
    await publishUntil(smallBytes, 8 * smallBytes);
    expect(closes.has(stalledId)).toBe(false);
    expect(bufferedOfStalled()).toBeGreaterThan(cap - 8 * smallBytes);
    const mark = writes.of(healthy.id).length;
    const droppedBefore = server.broadcaster.stats().droppedEvents;

    const payload = 'x'.repeat(smallBytes - 32);
    const batch = Array.from({ length: batchEvents }, (_, k) => `batch ${k} ${payload}`);
    const { receipts } = await pileUp(() => ({
      receipts: Promise.all(batch.map((data) => server.broadcaster.publish('feed', { data }))),
    }));
    await settleWithin(
      healthy.client.received(sent.length + batch.length),
      15_000,
      'the healthy client gets the batch',
    );

    expect(closes.get(stalledId)).toBe('evicted');
    expect(maxBuffered).toBeLessThanOrEqual(cap);
    expect(server.broadcaster.stats().evictions).toBe(1);
    // All or none: the batch did not fit, so none of it was written to the stalled client.
    expect(server.broadcaster.stats().droppedEvents - droppedBefore).toBe(batch.length);
    expect((await receipts).map((receipt) => receipt.delivered)).toEqual(batch.map(() => 1));
    expect(healthy.client.data()).toEqual([...sent, ...batch]);
    expect(writes.of(healthy.id).slice(mark)).toHaveLength(1);
  });

  it('catches up a backlog in larger reads than readCount', async () => {
    const { server, writes } = await startServer({ readCount: 5 });
    const reader = await listen(`${server.url}/sse/backlog`);
    const mark = writes.of(reader.id).length;

    const backlog = Array.from({ length: 40 }, (_, i) => `b${i}`);
    const { receipts } = await pileUp(() => ({
      receipts: Promise.all(backlog.map((data) => server.broadcaster.publish('backlog', { data }))),
    }));
    await receipts;
    await settleWithin(reader.client.received(backlog.length), 15_000, 'the backlog');

    expect(reader.client.data()).toEqual(backlog);
    const catchUp = writes.of(reader.id).slice(mark);
    expect(dataLines(catchUp)).toEqual(backlog);
    // Reads of 5 (and the read that follows each at once) would take 4 writes; growing reads take fewer.
    expect(catchUp.length).toBeLessThan(4);
  });
});
