import { EventSource } from 'eventsource';
import type { Inbound } from '../../../lib/broadcast/bus';
import type { BusDelivery } from '../../../lib/broadcast/eventLog';
import { EventStreamReader } from '../../../lib/browser/sharedStream/eventStreamReader';
import type { HubMessage } from '../../../lib/browser/sharedStream/sharedStreamMessages';
import { StreamHub } from '../../../lib/browser/sharedStream/streamHub';
import { TabSubscription } from '../../../lib/browser/sharedStream/tabSubscription';
import { CURSOR_EVENT, GAP_EVENT } from '../../../lib/protocol/protocolEvents';
import { RedisKeys } from '../../../lib/redis/redisKeys';
import { RedisBus } from '../../../redis';
import { RedisClusterRig } from '../../support/redisClusterRig';
import { startTestServer, type TestServer } from '../../support/testServer';
import { wrappedBus } from '../../support/wrappedBus';
import { settleWithin } from './settleWithin';

const PREFIX = 'exact:';
const BUCKETS = 8;
const PROCESSES = 3;
const MOVES = 20;
/** Injected latency of live delivery per bucket, in order of the channels' buckets: each different. */
const LATENCIES_MS = [0, 25, 60];
/** Bounds: publishing for at most this many events or this long; the client's catch-up at the end. */
const MAX_EVENTS = 2000;
const RUN_MS = 60_000;
const CATCH_UP_MS = 20_000;

/** Three channel names whose streams sit in three different buckets. */
function channelsInThreeBuckets(): string[] {
  const keys = new RedisKeys(PREFIX, BUCKETS);
  const byBucket = new Map<number, string>();
  for (let n = 0; byBucket.size < 3 && n < 1000; n += 1) {
    const channel = `exact-${n}`;
    const bucket = keys.bucketOf(channel);
    if (!byBucket.has(bucket)) byBucket.set(bucket, channel);
  }
  return [...byBucket.values()];
}

/**
 * A bus whose live delivery of each channel waits its bucket's latency before it reaches the
 * broadcaster (per channel in order; across channels out of position order), as readers of
 * buckets on slower masters or links would.
 */
function delayedBus(inner: RedisBus, latencyOf: (channel: string) => number) {
  return wrappedBus(inner, (inbound: Inbound) => ({
    ...inbound,
    events: (deliveries: readonly BusDelivery[]) => {
      for (const delivery of deliveries) {
        const latency = latencyOf(delivery.channel);
        if (latency === 0) inbound.events([delivery]);
        else setTimeout(() => inbound.events([delivery]), latency);
      }
      return deliveries.map(() => 0);
    },
  }));
}

describe('a stream of channels in three buckets of a Redis Cluster, moving between processes', () => {
  let rig: RedisClusterRig;
  const servers: TestServer<undefined>[] = [];
  const channels = channelsInThreeBuckets();
  beforeAll(async () => {
    rig = await RedisClusterRig.start();
    for (let index = 0; index < PROCESSES; index += 1) {
      const bus = new RedisBus({ cluster: { rootNodes: rig.rootNodes, buckets: BUCKETS }, keyPrefix: PREFIX });
      await bus.ready();
      const latency = new Map(channels.map((channel, position) => [channel, LATENCIES_MS[position]!]));
      servers.push(
        await startTestServer({ retryMs: 10, retryJitterMs: 0 }, { bus: delayedBus(bus, (c) => latency.get(c) ?? 0) }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await rig?.dispose();
  });

  it(`ends with every acknowledged event once, in per-channel order, and no gap, through the eventsource package (${MOVES} moves, each through Last-Event-ID)`, async () => {
    expect(new Set(channels.map((channel) => new RedisKeys(PREFIX, BUCKETS).bucketOf(channel))).size).toBe(3);
    let attempt = 0;
    let current = 0;
    const cursors: string[] = [];
    // Each (re)connection goes to the next process, with the Last-Event-ID the client itself keeps.
    const source = new EventSource(`${servers[0]!.url}/sse?channels=${channels.join(',')}`, {
      fetch: (input, init) => {
        current = attempt % PROCESSES;
        attempt += 1;
        cursors.push(new Headers(init?.headers).get('last-event-id') ?? '');
        const url = new URL(String(input instanceof Request ? input.url : input));
        return fetch(`${servers[current]!.url}${url.pathname}${url.search}`, init);
      },
    });
    const received: string[] = [];
    const gaps: string[] = [];
    let notify = (): void => {};
    source.addEventListener('message', (event) => {
      received.push(event.data);
      notify();
    });
    source.addEventListener(GAP_EVENT, (event) => gaps.push(event.data));
    let cursorEvents = 0;
    source.addEventListener(CURSOR_EVENT, () => {
      cursorEvents += 1;
      notify();
    });
    const until = (check: () => boolean, ms: number, what: string): Promise<void> =>
      settleWithin(
        new Promise<void>((resolve) => {
          const previous = notify;
          notify = () => {
            previous();
            if (check()) resolve();
          };
          if (check()) resolve();
        }),
        ms,
        what,
      );

    // The stream has started (its opening cursor came): every event acknowledged from now on is owed.
    await until(() => cursorEvents > 0, 10_000, 'the stream starts');
    const acknowledged: string[] = [];
    let publishing = true;
    const startedAt = Date.now();
    const publisher = (async () => {
      for (let n = 0; publishing && n < MAX_EVENTS && Date.now() - startedAt < RUN_MS; n += 1) {
        const channel = channels[n % channels.length]!;
        const data = `${channel}:${n}`;
        await servers[(n * 7) % PROCESSES]!.broadcaster.publish(channel, { data });
        acknowledged.push(data);
      }
    })();
    try {
      await until(() => received.length > 0, 10_000, 'the first event');
      for (let move = 1; move <= MOVES; move += 1) {
        const seen = received.length;
        await until(() => received.length >= seen + 5, 10_000, `events before move ${move}`);
        // The server ends the stream; the client comes back, on the next process, by itself.
        for (const connection of servers[current]!.broadcaster.connections())
          servers[current]!.broadcaster.closeConnection(connection.id, { reconnect: true });
        await until(() => attempt > move, 10_000, `reconnect ${move}`);
      }
    } finally {
      publishing = false;
      await publisher;
    }
    await until(
      () => acknowledged.every((data) => received.includes(data)),
      CATCH_UP_MS,
      'every acknowledged event',
    ).catch(() => undefined);
    source.close();

    expect(attempt).toBeGreaterThan(MOVES);
    // The client resumed through cursors that name each channel's position.
    expect(cursors.slice(1).every((cursor) => channels.every((channel) => cursor.includes(`${channel}=`)))).toBe(true);
    expect(gaps).toEqual([]);
    expect(acknowledged.filter((data) => !received.includes(data))).toEqual([]);
    expect(received.filter((data, index) => received.indexOf(data) !== index)).toEqual([]);
    for (const channel of channels) {
      const order = received.filter((data) => data.startsWith(`${channel}:`)).map((data) => Number(data.split(':')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  }, 180_000);

  it(`ends with every acknowledged event once, in per-channel order, and no gap, through the shared-stream hub's runtime under Node (${MOVES} moves)`, async () => {
    let attempt = 0;
    let current = 0;
    const cursors: string[] = [];
    const received = new Map<string, string[]>(channels.map((channel) => [channel, []]));
    const gaps: string[] = [];
    let notify = (): void => {};
    const subscriptions = new Map<string, TabSubscription>();
    let keys = 0;
    let opened = 0;
    // One element per channel in one tab, each resubscribing from its own position when the stream drops (as the monitor does).
    const subscribe = (channel: string, cursor: string): void => {
      keys += 1;
      const key = `tab:${keys}`;
      const subscription: TabSubscription = new TabSubscription(
        key,
        { channels: [channel], cursor, silenceMs: 0 },
        {
          opened: () => {
            opened += 1;
            notify();
          },
          event: (type, data) => {
            if (type === 'message') received.get(channel)!.push(data);
            if (type === GAP_EVENT) gaps.push(data);
            notify();
          },
          dropped: () => {
            subscriptions.delete(key);
            setImmediate(() => subscribe(channel, subscription.request.cursor));
          },
        },
      );
      subscriptions.set(key, subscription);
      hub.handle({ kind: 'subscribe', key, ...subscription.request });
    };
    const hub = new StreamHub(
      '/sse',
      (message: HubMessage) => {
        if (message.kind === 'ready' || message.kind === 'leader') return;
        for (const key of message.keys) {
          const subscription = subscriptions.get(key);
          if (message.kind === 'open') subscription?.opened(message.cursor);
          else if (message.kind === 'event') subscription?.event(message.type, message.data, message.id);
          else {
            subscriptions.delete(key);
            subscription?.dropped(message.end);
          }
        }
      },
      // Each stream the hub opens goes to the next process: a move.
      (url, cursor, events) => {
        current = attempt % PROCESSES;
        attempt += 1;
        cursors.push(cursor);
        return new EventStreamReader(`${servers[current]!.url}${url}`, cursor, events);
      },
    );
    const until = (check: () => boolean, ms: number, what: string): Promise<void> =>
      settleWithin(
        new Promise<void>((resolve) => {
          const previous = notify;
          notify = () => {
            previous();
            if (check()) resolve();
          };
          if (check()) resolve();
        }),
        ms,
        what,
      );
    const count = (): number => [...received.values()].reduce((sum, list) => sum + list.length, 0);
    for (const channel of channels) subscribe(channel, '');
    await until(
      () => subscriptions.size === channels.length && servers[0]!.broadcaster.connections().length > 0,
      10_000,
      'the hub opens',
    );
    // The stream has started (its opening cursor came, the hub opened every subscription): every
    // event acknowledged from now on is owed.
    await until(() => opened >= channels.length, 10_000, 'the stream starts');

    const acknowledged: string[] = [];
    let publishing = true;
    const startedAt = Date.now();
    const publisher = (async () => {
      for (let n = 0; publishing && n < MAX_EVENTS && Date.now() - startedAt < RUN_MS; n += 1) {
        const channel = channels[n % channels.length]!;
        const data = `${channel}:${n}`;
        await servers[(n * 5) % PROCESSES]!.broadcaster.publish(channel, { data });
        acknowledged.push(data);
      }
    })();
    try {
      for (let move = 1; move <= MOVES; move += 1) {
        const seen = count();
        await until(() => count() >= seen + 5, 10_000, `events before move ${move}`);
        for (const connection of servers[current]!.broadcaster.connections())
          servers[current]!.broadcaster.closeConnection(connection.id, { reconnect: true });
        await until(() => attempt > move, 10_000, `reconnect ${move}`);
      }
    } finally {
      publishing = false;
      await publisher;
    }
    const all = (): string[] => [...received.values()].flat();
    await until(
      () => acknowledged.every((data) => all().includes(data)),
      CATCH_UP_MS,
      'every acknowledged event',
    ).catch(() => undefined);
    hub.close();

    expect(attempt).toBeGreaterThan(MOVES);
    expect(gaps).toEqual([]);
    expect(acknowledged.filter((data) => !all().includes(data))).toEqual([]);
    expect(all().filter((data, index) => all().indexOf(data) !== index)).toEqual([]);
    for (const [channel, list] of received) {
      const order = list.map((data) => Number(data.split(':')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(list.every((data) => data.startsWith(`${channel}:`))).toBe(true);
    }
  }, 180_000);
});
