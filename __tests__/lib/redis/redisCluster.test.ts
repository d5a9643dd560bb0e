import { createClient } from 'redis';
import { createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { compareEventIds, parseEventId, splitStreamEventId } from '../../../lib/protocol/eventId';
import { RedisBus } from '../../../redis';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { firstIdLine } from '../../support/idLine';
import { RedisClusterRig } from '../../support/redisClusterRig';
import { RedisServer } from '../../support/redisServer';
import { type ClusterNode, killClusterNode, type RedisTarget, startClusterNode } from './clusterNodes';
import { pollUntil, settleWithin } from './settleWithin';

interface Receipt {
  id: string;
  delivered: number;
}

interface StatsBody {
  connections: number;
  bus: {
    kind: string;
    connected: boolean;
    cluster: {
      connections: number;
      processes: { processId: string; connections: number }[];
      byChannel: Record<string, number>;
    } | null;
  };
}

/** The Redis the three processes share, started by the test. */
interface RedisUnderTest {
  target: RedisTarget;
  /** Names of the connections open from clients whose name starts with `prefix`, on every Redis node. */
  clientNames(prefix: string): Promise<string[]>;
  dispose(): Promise<void>;
}

/** Buckets of a bus on a cluster (the default), each with its own reader connection. */
const BUCKETS = 8;

async function oneRedis(): Promise<RedisUnderTest> {
  const redis = await RedisServer.start();
  return {
    target: redis.url,
    clientNames: (prefix) => clientNamesOn([redis.url], prefix),
    dispose: () => redis.dispose(),
  };
}

async function redisCluster(): Promise<RedisUnderTest> {
  const rig = await RedisClusterRig.start();
  return {
    target: rig.rootNodes,
    clientNames: async (prefix) => clientNamesOn(rig.rootNodes, prefix),
    dispose: () => rig.dispose(),
  };
}

async function clientNamesOn(urls: readonly string[], prefix: string): Promise<string[]> {
  const names: string[] = [];
  for (const url of urls) {
    const admin = createClient({ url });
    await admin.connect();
    try {
      for (const client of await admin.clientList()) if (client.name.startsWith(prefix)) names.push(client.name);
    } finally {
      admin.destroy();
    }
  }
  return names.sort();
}

describe.each([
  // On one Redis a process holds two connections: commands and blocking reads.
  { backend: 'one Redis', start: oneRedis, connections: (id: string) => [`${id}:commands`, `${id}:reader`] },
  // On a cluster: commands to each of the 3 masters, and one blocking reader per bucket.
  {
    backend: 'a Redis Cluster of 3 masters and 3 replicas',
    start: redisCluster,
    connections: (id: string) => [
      ...Array.from({ length: 3 }, () => `${id}:commands`),
      ...Array.from({ length: BUCKETS }, (_, bucket) => `${id}:reader:${bucket}`),
    ],
  },
])('RedisBus across three server processes on $backend', ({ start, connections }) => {
  let redis: RedisUnderTest;
  let nodes: ClusterNode[] = [];
  const clients: RecordingEventSource[] = [];
  const pick = (): ClusterNode => nodes[Math.floor(Math.random() * nodes.length)];

  async function publish(node: ClusterNode, channel: string, data: string): Promise<Receipt> {
    const { status, body } = await node.post<Receipt & { error?: string }>('/control/publish', { channel, data });
    if (status !== 200) throw new Error(`publish failed: ${body.error}`);
    return body;
  }

  /** Listens on `{prefix}/<channel>`, or on `{prefix}?channels=…` when given that query. */
  function listen(node: ClusterNode, channel: string, headers: Record<string, string> = {}): RecordingEventSource {
    const path = channel.startsWith('?') ? channel : `/${channel}`;
    const client = new RecordingEventSource(`${node.url}/sse${path}`, ['private', 'sse:gap', 'sse:presence'], headers);
    clients.push(client);
    return client;
  }

  // Longer than its bounds: a Redis Cluster's start (six Redis starts of 10 s, 30 s to create,
  // 30 s to settle, 30 s per replica to sync), then the app processes (30 s).
  beforeAll(async () => {
    redis = await start();
    nodes = await Promise.all([0, 1, 2].map(() => startClusterNode(redis.target, 'cluster-test:')));
  }, 300_000);

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await Promise.all(nodes.map(killClusterNode));
    await redis.dispose();
  });

  it('delivers 1,000 events published from random processes on 20 channels to 30 clients of two channels each, each exactly once, in publish order, and to one that moves from A to B mid-run', async () => {
    const channels = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const listeners = Array.from({ length: 30 }, (_, i) => {
      const mine = [channels[i % 20], channels[(i + 7) % 20]];
      return { channels: mine, client: listen(nodes[i % 3], `?channels=${mine.join(',')}`) };
    });
    const moverLegs = [listen(nodes[0], 'c3')];
    await settleWithin(
      Promise.all([...listeners, { client: moverLegs[0] }].map(({ client }) => client.started())),
      10_000,
      '31 clients open',
    );
    // Halfway through c3's chain the mover leaves process A and comes back on B with its cursor.
    const move = async (): Promise<void> => {
      const [away] = moverLegs;
      await away.received(1);
      away.close();
      const back = listen(nodes[1], 'c3', { 'Last-Event-ID': away.events.at(-1)!.lastEventId });
      moverLegs.push(back);
      await back.started();
    };

    // One sequential chain per channel fixes the publish order; the 20 chains run side by side.
    let moved: Promise<void> = Promise.resolve();
    const published = await Promise.all(
      channels.map(async (channel) => {
        const receipts: { data: string; id: string }[] = [];
        for (let n = 0; n < 50; n += 1) {
          const data = `${channel}:${n}`;
          receipts.push({ data, id: (await publish(pick(), channel, data)).id });
          if (channel === 'c3' && n === 24) moved = move();
        }
        return receipts;
      }),
    );
    await settleWithin(moved, 10_000, 'the mover is back on process B');
    const moverData = (): string[] => moverLegs.flatMap((leg) => leg.data());
    await settleWithin(
      Promise.all([
        ...listeners.map(({ client }) => client.received(100)),
        moverLegs[1].until(() => moverData().length >= 50),
      ]),
      30_000,
      'every client receives the 100 events of its two channels, the mover the 50 of c3',
    );

    const byChannel = new Map(channels.map((channel, i) => [channel, published[i]]));
    for (const { channels: mine, client } of listeners) {
      expect(client.events).toHaveLength(100);
      for (const channel of mine) {
        const expected = byChannel.get(channel)!;
        const got = client.events.filter((event) => splitStreamEventId(event.lastEventId).channel === channel);
        expect(got.map((event) => event.data)).toEqual(expected.map((event) => event.data));
        // The ids every process put on the wire are the ids publish returned: one id space.
        expect(got.map((event) => event.lastEventId)).toEqual(expected.map((event) => event.id));
      }
    }
    expect(moverData()).toEqual(byChannel.get('c3')!.map((event) => event.data));
    expect(moverLegs.flatMap((leg) => leg.data('sse:gap'))).toEqual([]);
  });

  it('replays exactly the missed events when a client moves from process A to process B with Last-Event-ID', async () => {
    const [a, b] = nodes;
    const first = listen(a, 'moving');
    await first.started();
    await publish(pick(), 'moving', 'before');
    await first.received(1);
    const cursor = first.events[0].lastEventId;
    first.close();

    const missed: string[] = [];
    for (let n = 0; n < 50; n += 1) {
      missed.push(`missed:${n}`);
      await publish(pick(), 'moving', `missed:${n}`);
    }
    const moved = listen(b, 'moving', { 'Last-Event-ID': cursor });
    await settleWithin(moved.received(50), 10_000, 'the 50 missed events are replayed');
    // A live event after the replay proves nothing else (duplicates, older events) came first.
    await publish(pick(), 'moving', 'live');
    await settleWithin(moved.received(51), 10_000, 'the live event follows the replay');
    expect(moved.data()).toEqual([...missed, 'live']);
    expect(moved.data('sse:gap')).toEqual([]);
  });

  // The channels share a bucket on a cluster (`<group>.<name>`, see redisClusterNode.ts), as the
  // README tells apps to do for channels one stream reads together.
  it('keeps one multi-channel stream exact while it moves between two processes, twice, with publishes from both racing its reconnects', async () => {
    const [a, b] = nodes;
    const channels = ['m.x', 'm.y', 'm.z'];
    const published: { channel: string; data: string; id: string }[] = [];
    let sent = 0;
    /** Publishes `count` events round-robin over the channels from both processes at once. */
    const batch = (count: number): Promise<void> =>
      Promise.all(
        [a, b].map(async (node, lane) => {
          for (let n = lane; n < count; n += 2) {
            const channel = channels[n % 3];
            const data = `${channel}:${sent++}`;
            const { id } = await publish(node, channel, data);
            published.push({ channel, data, id });
          }
        }),
      ).then(() => undefined);
    const legs: RecordingEventSource[] = [];
    const received = (): { data: string; lastEventId: string }[] =>
      legs.flatMap((client) => client.events.filter((event) => event.type === 'message'));
    const leg = (node: ClusterNode, cursor?: string): RecordingEventSource => {
      const client = listen(node, `?channels=${channels.join(',')}`, cursor ? { 'Last-Event-ID': cursor } : {});
      legs.push(client);
      return client;
    };
    const lastId = (): string => received().at(-1)!.lastEventId;

    const first = leg(a);
    await first.started();
    await batch(60);
    await settleWithin(first.received(60), 30_000, 'the first 60 events on process A');
    first.close();
    await batch(60); // missed while away
    const second = leg(b, lastId());
    await batch(60); // racing the replay on process B
    await settleWithin(
      second.until(() => received().length >= 180),
      30_000,
      '180 events after moving to B',
    );
    second.close();
    await batch(30);
    const third = leg(a, lastId());
    await settleWithin(
      third.until(() => received().length >= 210),
      30_000,
      'all 210 events after moving back to A',
    );
    await publish(b, 'm.x', 'live');
    await settleWithin(
      third.until(() => received().at(-1)?.data === 'live'),
      30_000,
      'a live event last',
    );

    const position = (id: string) => parseEventId(splitStreamEventId(id).position)!;
    for (const channel of channels) {
      const expected = published
        .filter((event) => event.channel === channel)
        .sort((x, y) => compareEventIds(position(x.id), position(y.id)));
      const got = received().filter((event) => splitStreamEventId(event.lastEventId).channel === channel);
      const tail = channel === 'm.x' ? ['live'] : [];
      expect(got.map((event) => event.data)).toEqual([...expected.map((event) => event.data), ...tail]);
    }
    // Across channels too, the stream came in position order: one cursor was always enough.
    const positions = received().map((event) => position(event.lastEventId));
    for (let i = 1; i < positions.length; i += 1)
      expect(compareEventIds(positions[i - 1], positions[i])).toBeLessThan(0);
    expect(legs.flatMap((client) => client.data('sse:gap'))).toEqual([]);
  });

  it('keeps an event id line on channel `news` within 24 bytes, newline included (issue 21)', async () => {
    const node = pick();
    const line = await firstIdLine(`${node.url}/sse/news`, 'news', () => publish(pick(), 'news', 'x'));
    expect(line.toString()).toMatch(/^id: news\/[0-9a-zA-Z]+\.[0-9a-zA-Z]+\n$/);
    expect(line.length).toBeLessThanOrEqual(24);
  });

  it('resumes a recent cursor on a channel with no history without a gap, after its bucket woke from a quiet spell', async () => {
    const idleTtlMs = 2000;
    const target = redis.target;
    const bus = new RedisBus({
      ...(typeof target === 'string'
        ? { url: target }
        : { cluster: { rootNodes: [...target], bucketKey: (channel: string) => channel.split('.')[0] } }),
      keyPrefix: 'quiet-test:',
      history: { idleTtlMs },
    });
    const broadcaster = createBroadcaster({ bus });
    try {
      await bus.ready();
      await broadcaster.publish('q.busy', { data: 'before the quiet spell' });
      // Longer than the TTL: the bucket's next publish notes where its positions stood, and that
      // note alone (the one before is older than a TTL) vouches for cursors on expired streams.
      await new Promise((resolve) => setTimeout(resolve, idleTtlMs + 300));
      const cursor = await broadcaster.cursor();
      await broadcaster.publish('q.busy', { data: 'after it' });
      // 'q.fresh' (same bucket) never had an event: nothing after the cursor, and nothing lost.
      expect(await broadcaster.history('q.fresh', { since: cursor })).toEqual({ kind: 'events', events: [] });
      expect((await broadcaster.history('q.busy', { since: cursor })).kind).toBe('events');
    } finally {
      await broadcaster.close();
    }
  });

  it('sends to a connection held by another process, and aggregates every process connections in stats', async () => {
    const [a, b, c] = nodes;
    const target = listen(c, 'private-room');
    const others = [listen(a, 'lobby'), listen(a, 'lobby'), listen(b, 'lobby'), listen(c, 'lobby')];
    await Promise.all([target, ...others].map((client) => client.started()));
    const [held] = await c
      .get<{ id: string; channel: string }[]>('/control/connections')
      .then((list) => list.filter((entry) => entry.channel === 'private-room'));

    const sent = await a.post<{ written: boolean }>('/control/send-to', {
      connectionId: held.id,
      event: 'private',
      data: 'for your eyes only',
    });
    expect(sent.body).toEqual({ written: true });
    await settleWithin(target.received(1, 'private'), 5000, 'the private event arrives');
    expect(target.data('private')).toEqual(['for your eyes only']);
    const nobody = await b.post<{ written: boolean }>('/control/send-to', {
      connectionId: 'no-such-connection',
      data: 'lost',
    });
    expect(nobody.body).toEqual({ written: false });

    // Each process reports every 200 ms; the aggregate settles once all have reported these counts.
    const stats = await pollUntil(async () => {
      const body = (await (await fetch(`${a.url}/sse/_stats`)).json()) as StatsBody;
      const cluster = body.bus.cluster;
      return cluster && cluster.connections === 5 && cluster.processes.length === 3 ? body : undefined;
    }, 'aggregated stats count 5 connections over 3 processes');
    expect(stats.connections).toBe(2);
    expect(stats.bus.cluster?.byChannel).toEqual({ lobby: 4, 'private-room': 1 });
    expect(stats.bus.cluster?.processes.map((report) => report.processId).sort()).toEqual(
      nodes.map((node) => node.processId).sort(),
    );
    const fresh = await b.get<{ connections: number }>('/control/cluster-stats');
    expect(fresh.connections).toBe(5);
  });

  it('stops counting the presence members of a SIGKILLed process within its bound, and keeps the others', async () => {
    const [a, b] = nodes;
    const doomed = await startClusterNode(redis.target, 'cluster-test:');
    try {
      const viewer = listen(b, 'room.presence');
      const members = [
        listen(a, 'room.presence?member=alice'),
        listen(doomed, 'room.presence?member=bob'),
        listen(doomed, 'room.presence?member=carol'),
        listen(doomed, 'room.presence?member=alice'),
      ];
      await Promise.all([viewer, ...members].map((client) => client.started()));
      const count = (): number | undefined => {
        const last = viewer.data('sse:presence').at(-1);
        return last === undefined ? undefined : (JSON.parse(last) as { count: number }).count;
      };
      await settleWithin(
        viewer.until(() => count() === 3),
        10_000,
        'the 3 members reach the viewer',
      );

      // SIGKILL: nothing withdraws. The bound: its report ages out (3 intervals of 200 ms), the next
      // sweep reads the channel again (5 presence intervals of 200 ms), and the event goes out.
      doomed.child.kill('SIGKILL');
      const boundMs = 3 * 200 + 5 * 200 + 200;
      const killedAt = Date.now();
      await settleWithin(
        viewer.until(() => count() === 1),
        10_000,
        "the dead process's members leave",
      );
      expect(Date.now() - killedAt).toBeLessThan(boundMs + 2000);
      const last = JSON.parse(viewer.data('sse:presence').at(-1)!) as { members: { id: string }[]; left: string[] };
      expect(last.members.map((member) => member.id)).toEqual(['alice']);
      expect(last.left.sort()).toEqual(['bob', 'carol']);
      for (const node of [a, b])
        expect((await node.get<{ count: number }>('/control/presence/room.presence')).count).toBe(1);
    } finally {
      await killClusterNode(doomed);
    }
  });

  it('holds the stated Redis connections per process, whatever its channels, and closes them all on broadcaster.close()', async () => {
    const busClients = async (): Promise<string[]> =>
      (await Promise.all(nodes.map((node) => redis.clientNames(`${node.processId}:`)))).flat().sort();
    expect(await busClients()).toEqual(nodes.flatMap((node) => connections(node.processId)).sort());
    const watcher = listen(nodes[0], 'closing');
    await watcher.started();
    await Promise.all(nodes.map((node) => node.post('/control/shutdown', {})));
    const codes = await settleWithin(
      Promise.all(nodes.map((node) => node.exited)),
      15_000,
      'every process exits without being killed',
    );
    expect(codes).toEqual([0, 0, 0]);
    expect(await busClients()).toEqual([]);
  });
});
