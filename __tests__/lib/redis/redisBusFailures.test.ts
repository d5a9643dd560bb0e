import { createClient } from 'redis';
import { RedisBus, RedisBusError } from '../../../redis';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisServer } from '../../support/redisServer';
import { startTestServer, type TestServer } from '../../support/testServer';
import { pollUntil, publishWhenAccepted, settleWithin } from './settleWithin';

type Admin = ReturnType<typeof createClient>;

describe('RedisBus failure behaviour', () => {
  let redis: RedisServer;
  let admin: Admin;
  let server: TestServer<undefined> | undefined;
  const clients: RecordingEventSource[] = [];
  let prefixCount = 0;

  /** A test server on a fresh RedisBus (own key prefix per test). */
  async function startServer(
    options: { commandTimeoutMs?: number; keepAliveMs?: number } = {},
  ): Promise<{ server: TestServer<undefined>; bus: RedisBus }> {
    prefixCount += 1;
    const bus = new RedisBus({
      url: redis.url,
      keyPrefix: `failures-${prefixCount}:`,
      commandTimeoutMs: options.commandTimeoutMs ?? 1000,
      blockMs: 1000,
    });
    await bus.ready();
    server = await startTestServer<undefined>(
      { stats: true, keepAlive: { intervalMs: options.keepAliveMs ?? 15_000 } },
      { bus },
    );
    return { server, bus };
  }

  function listen(url: string, headers: Record<string, string> = {}): RecordingEventSource {
    const client = new RecordingEventSource(url, ['sse:heartbeat', 'sse:gap'], headers);
    clients.push(client);
    return client;
  }

  /** Ids of the bus's own connections, found by the names it gives them. */
  async function busConnectionIds(bus: RedisBus): Promise<number[]> {
    return (await admin.clientList())
      .filter((client) => client.name.startsWith(`${bus.processId}:`))
      .map((client) => client.id);
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = createClient({ url: redis.url });
    admin.on('error', () => undefined);
    await admin.connect();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    admin.destroy();
    await redis.dispose();
  });

  it('loses nothing acknowledged by publish while its Redis connections are killed again and again', async () => {
    const { server, bus } = await startServer();
    const client = listen(`${server.url}/sse/blips`);
    await client.started();

    const attempted: string[] = [];
    const acknowledged: string[] = [];
    let killing = true;
    const publishRun = (async () => {
      // Publish until 300 are acknowledged (and the kills are over), like an app that retries.
      for (let n = 0; n < 5000 && (acknowledged.length < 300 || killing); n += 1) {
        const data = `event:${n}`;
        attempted.push(data);
        const accepted = await server.broadcaster.publish('blips', { data }).then(
          () => true,
          (error: unknown) => {
            expect(error).toBeInstanceOf(RedisBusError);
            return false;
          },
        );
        if (accepted) acknowledged.push(data);
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    let kills = 0;
    for (let round = 0; round < 10; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const id of await busConnectionIds(bus)) {
        await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
        kills += 1;
      }
    }
    killing = false;
    await settleWithin(publishRun, 60_000, 'the publish run');
    const marker = await pollUntil(
      () =>
        server.broadcaster.publish('blips', { data: 'marker' }).then(
          () => 'marker',
          () => undefined,
        ),
      'a publish after the blips',
    );
    await settleWithin(
      client.until(() => client.data().includes(marker)),
      10_000,
      'the marker arrives',
    );

    const received = client.data().slice(0, -1);
    expect(kills).toBeGreaterThanOrEqual(10);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(bus.state().reconnects).toBeGreaterThan(0);
    for (const data of acknowledged) expect(received).toContain(data);
    // No duplicates, and in publish order: what arrived is the attempted run with gaps only.
    expect(new Set(received).size).toBe(received.length);
    expect(received).toEqual(attempted.filter((data) => received.includes(data)));
  });

  it('rejects publish while Redis is down, keeps clients alive with keep-alives, and resumes delivery when Redis is back', async () => {
    const { server, bus } = await startServer({ commandTimeoutMs: 500, keepAliveMs: 100 });
    const client = listen(`${server.url}/sse/outage`);
    await client.started();
    await server.broadcaster.publish('outage', { data: 'before' });
    await client.received(1);
    const [connection] = server.broadcaster.connections();

    await redis.stop();
    const started = Date.now();
    const failure = await server.broadcaster.publish('outage', { data: 'while down' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RedisBusError);
    expect((failure as Error).message).toMatch(/^publish to outage: Redis /);
    expect(Date.now() - started).toBeLessThan(500 + 1000);
    const stats = (await (await fetch(`${server.url}/sse/_stats`)).json()) as {
      bus: { kind: string; connected: boolean };
    };
    expect(stats.bus).toMatchObject({ kind: 'redis', connected: false });

    const beats = client.data('sse:heartbeat').length;
    await settleWithin(client.received(beats + 3, 'sse:heartbeat'), 5000, 'keep-alives while Redis is down');
    expect(client.source.readyState).toBe(client.source.OPEN);

    await redis.start();
    await publishWhenAccepted(server.broadcaster, 'outage', 'after', 'a publish once Redis is back');
    await settleWithin(
      client.until(() => client.data().includes('after')),
      10_000,
      'delivery after Redis is back',
    );
    // The same stream, never reconnected: the connection the server held all along.
    expect(server.broadcaster.connections().map((open) => open.id)).toEqual([connection.id]);
    expect(client.data()).toEqual(['before', 'after']);
    expect(bus.state()).toMatchObject({ connected: true });
    expect(bus.state().reconnects).toBeGreaterThan(0);
    // Longer than its bounds: Redis's restart (10 s), the publish once it is back (30 s), keep-alives and delivery (15 s).
  }, 90_000);

  it('rejects publish after the configured timeout when Redis stops answering', async () => {
    const { server } = await startServer({ commandTimeoutMs: 300 });
    redis.pause();
    try {
      const failure = await server.broadcaster.publish('frozen', { data: 'x' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(RedisBusError);
      expect((failure as Error).message).toBe('publish to frozen: Redis did not answer within 300 ms');
    } finally {
      redis.resume();
    }
  });

  it('closes both of its Redis connections on broadcaster.close()', async () => {
    const { server: running, bus } = await startServer();
    expect(await busConnectionIds(bus)).toHaveLength(2);
    await running.close();
    server = undefined;
    // Redis drops a closed client from CLIENT LIST when it reads the close, a moment after we send it.
    const left = await pollUntil(async () => {
      const ids = await busConnectionIds(bus);
      return ids.length === 0 ? ids : undefined;
    }, 'both bus connections gone from CLIENT LIST');
    expect(left).toEqual([]);
    expect(bus.state().connected).toBe(false);
  });

  it('replays from a cursor in the stream and sends a gap event for a cursor outside it', async () => {
    const { server } = await startServer();
    const ids: string[] = [];
    for (const data of ['one', 'two', 'three']) ids.push((await server.broadcaster.publish('story', { data })).id);
    const resumed = listen(`${server.url}/sse/story`, { 'Last-Event-ID': ids[0] });
    await resumed.received(2);
    expect(resumed.data()).toEqual(['two', 'three']);
    expect(await server.broadcaster.history('story', { since: ids[1] })).toMatchObject({
      kind: 'events',
      events: [{ id: ids[2].split('/')[1] }],
    });

    const stale = listen(`${server.url}/sse/story`, { 'Last-Event-ID': '1-1' });
    await stale.received(1, 'sse:gap');
    expect(JSON.parse(stale.data('sse:gap')[0])).toEqual({ channel: 'story', lastEventId: '1-1', latestId: ids[2] });
    expect(await server.broadcaster.history('story', { since: 'not an id' })).toEqual({
      kind: 'gap',
      latestId: ids[2].split('/')[1],
    });
  });

  it('sends a gap, not a replay it cannot vouch for, while live delivery cannot follow the channel', async () => {
    // A Redis user that may not run XREVRANGE on channel streams: the bus cannot start following
    // them (its direct-message inbox it can), while publish and history reads still work.
    await admin.sendCommand([
      'ACL',
      'SETUSER',
      'nofollow',
      'on',
      '>nofollow',
      '~*',
      '&*',
      '+@all',
      '-xrevrange',
      '(~*direct +xrevrange)',
    ]);
    const { server: writer } = await startServer();
    const ids: string[] = [];
    for (const data of ['one', 'two', 'three']) ids.push((await writer.broadcaster.publish('unfollowed', { data })).id);
    // The writer's key prefix: the reader reads the same channel.
    const bus = new RedisBus({
      url: redis.url.replace('redis://', 'redis://nofollow:nofollow@'),
      keyPrefix: `failures-${prefixCount}:`,
      commandTimeoutMs: 1000,
      blockMs: 1000,
      onError: () => undefined,
    });
    await bus.ready();
    const reader = await startTestServer<undefined>({ keepAlive: { intervalMs: 15_000 } }, { bus });
    try {
      const resumed = listen(`${reader.url}/sse/unfollowed`, { 'Last-Event-ID': ids[0] });
      await settleWithin(resumed.received(1, 'sse:gap'), 10_000, 'the gap event');
      expect(JSON.parse(resumed.data('sse:gap')[0])).toEqual({
        channel: 'unfollowed',
        lastEventId: ids[0],
        latestId: null,
      });
      expect(resumed.data()).toEqual([]);
    } finally {
      await reader.close();
      await admin.sendCommand(['ACL', 'DELUSER', 'nofollow']);
    }
  });

  it('keeps every key under its prefix', async () => {
    const { server } = await startServer();
    await server.broadcaster.publish('prefixed', { data: 'x' });
    const keys = await admin.keys('*');
    expect(keys).toContain(`failures-${prefixCount}:stream:prefixed`);
    expect(keys.filter((key) => !key.startsWith('failures-'))).toEqual([]);
  });

  it('rejects a publish filter with a TypeError: a function cannot reach other processes', async () => {
    const { server } = await startServer();
    const onlyAdmins = (): boolean => true;
    await expect(server.broadcaster.publish('x', { data: 'y' }, { filter: onlyAdmins })).rejects.toThrow(
      new TypeError(
        'RedisBus cannot send a publish filter (function onlyAdmins) to other processes (channel "x"): use exclude, or a channel per audience',
      ),
    );
  });

  it('rejects bad options with a TypeError naming the value', () => {
    expect(() => new RedisBus({ commandTimeoutMs: 0 })).toThrow(
      new TypeError('RedisBus: option "commandTimeoutMs" must be an integer >= 1, got 0'),
    );
    expect(() => new RedisBus({ keyPrefix: 'a b' })).toThrow(TypeError);
    expect(() => new RedisBus({ url: 'http://127.0.0.1' })).toThrow(/redis:\/\/.*"http:\/\/127\.0\.0\.1"/);
    expect(() => new RedisBus({ history: { size: 0 } })).toThrow(
      /RedisBus history: option "size" must be an integer >= 1, got 0/,
    );
  });

  it('rejects bad cluster and durability options with a TypeError naming the value, before connecting', () => {
    const rootNodes = ['redis://127.0.0.1:7000'];
    expect(() => new RedisBus({ url: 'redis://127.0.0.1:7000', cluster: { rootNodes } })).toThrow(
      /RedisBus: option "cluster" must be absent when url is given/,
    );
    expect(() => new RedisBus({ cluster: { rootNodes: [] } })).toThrow(
      /option "cluster.rootNodes" must be a non-empty array of redis:\/\/ or rediss:\/\/ URLs, got/,
    );
    expect(() => new RedisBus({ cluster: { rootNodes: ['http://127.0.0.1:7000'] } })).toThrow(TypeError);
    expect(() => new RedisBus({ cluster: { rootNodes, buckets: 0 } })).toThrow(
      new TypeError('RedisBus cluster: option "buckets" must be an integer from 1 to 256, got 0'),
    );
    expect(() => new RedisBus({ cluster: { rootNodes, bucketKey: 'room' as never } })).toThrow(
      /option "bucketKey" must be a function, got "room"/,
    );
    // A brace in the prefix would move every key's hash tag.
    expect(() => new RedisBus({ cluster: { rootNodes }, keyPrefix: 'app{1}:' })).toThrow(
      /without whitespace or braces/,
    );
    expect(() => new RedisBus({ durability: 'all' as never })).toThrow(
      /option "durability" must be one of "primary", "replicated", got "all"/,
    );
    expect(() => new RedisBus({ replicas: 0 })).toThrow(/option "replicas" must be an integer from 1 to 64, got 0/);
  });
});
