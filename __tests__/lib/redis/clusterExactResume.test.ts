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

/** What a moving client saw, and how the test wakes on it and moves it. */
class MovingClient {
  readonly received: string[] = [];
  readonly gaps: string[] = [];
  /** Connections made (each one a move to the next process after the first). */
  attempts = 0;
  /** Index of the process of the current connection. */
  current = 0;
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  /** The process for the next connection: the next one in turn. */
  nextProcess(): number {
    this.current = this.attempts % PROCESSES;
    this.attempts += 1;
    return this.current;
  }

  /** Something arrived: wakes the waits whose check now holds. */
  notify(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once `check` holds, failing naming `what` after `ms`. */
  until(check: () => boolean, ms: number, what: string): Promise<void> {
    return settleWithin(
      new Promise<void>((resolve) => {
        if (check()) resolve();
        else this.#waiters.push({ check, resolve });
      }),
      ms,
      what,
    );
  }
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

  /**
   * Publishes to the three channels, in turn, from the processes in turn, while the server ends the
   * client's stream ${MOVES} times (it comes back by itself, on the next process); then waits for the
   * client to have every acknowledged event. Resolves with what was acknowledged.
   */
  async function publishWhileMoving(client: MovingClient): Promise<string[]> {
    const acknowledged: string[] = [];
    let publishing = true;
    const startedAt = Date.now();
    const publisher = (async () => {
      for (let n = 0; publishing && n < MAX_EVENTS && Date.now() - startedAt < RUN_MS; n += 1) {
        const channel = channels[n % channels.length]!;
        const data = `${channel}:${n}`;
        await servers[n % PROCESSES]!.broadcaster.publish(channel, { data });
        acknowledged.push(data);
      }
    })();
    try {
      for (let move = 1; move <= MOVES; move += 1) {
        const seen = client.received.length;
        await client.until(() => client.received.length >= seen + 5, 10_000, `events before move ${move}`);
        const server = servers[client.current]!;
        for (const connection of server.broadcaster.connections())
          server.broadcaster.closeConnection(connection.id, { reconnect: true });
        await client.until(() => client.attempts > move, 10_000, `reconnect ${move}`);
      }
    } finally {
      publishing = false;
      await publisher;
    }
    await client
      .until(
        () => acknowledged.every((data) => client.received.includes(data)),
        CATCH_UP_MS,
        'every acknowledged event',
      )
      .catch(() => undefined);
    return acknowledged;
  }

  /** Every acknowledged event once, in per-channel order, no gap, after more than ${MOVES} connections. */
  function expectExact(client: MovingClient, acknowledged: readonly string[]): void {
    const { received } = client;
    expect(client.attempts).toBeGreaterThan(MOVES);
    expect(client.gaps).toEqual([]);
    expect(acknowledged.filter((data) => !received.includes(data))).toEqual([]);
    expect(received.filter((data, index) => received.indexOf(data) !== index)).toEqual([]);
    for (const channel of channels) {
      const order = received.filter((data) => data.startsWith(`${channel}:`)).map((data) => Number(data.split(':')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  }

  it(`ends with every acknowledged event once, in per-channel order, and no gap, through the eventsource package (${MOVES} moves, each through Last-Event-ID)`, async () => {
    expect(new Set(channels.map((channel) => new RedisKeys(PREFIX, BUCKETS).bucketOf(channel))).size).toBe(3);
    const client = new MovingClient();
    const cursors: string[] = [];
    // Each (re)connection goes to the next process, with the Last-Event-ID the client itself keeps.
    const source = new EventSource(`${servers[0]!.url}/sse?channels=${channels.join(',')}`, {
      fetch: (input, init) => {
        const process = client.nextProcess();
        cursors.push(new Headers(init?.headers).get('last-event-id') ?? '');
        const url = new URL(String(input instanceof Request ? input.url : input));
        return fetch(`${servers[process]!.url}${url.pathname}${url.search}`, init);
      },
    });
    let cursorEvents = 0;
    source.addEventListener('message', (event) => {
      client.received.push(event.data);
      client.notify();
    });
    source.addEventListener(GAP_EVENT, (event) => client.gaps.push(event.data));
    source.addEventListener(CURSOR_EVENT, () => {
      cursorEvents += 1;
      client.notify();
    });
    // The stream has started (its opening cursor came): every event acknowledged from now on is owed.
    await client.until(() => cursorEvents > 0, 10_000, 'the stream starts');
    const acknowledged = await publishWhileMoving(client);
    source.close();

    expectExact(client, acknowledged);
    // The client resumed through cursors that name each channel's position.
    expect(cursors.slice(1).every((cursor) => channels.every((channel) => cursor.includes(`${channel}=`)))).toBe(true);
  }, 180_000);

  it(`ends with every acknowledged event once, in per-channel order, and no gap, through the shared-stream hub's runtime under Node (${MOVES} moves)`, async () => {
    const client = new MovingClient();
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
            client.notify();
          },
          event: (type, data) => {
            if (type === 'message') client.received.push(data);
            if (type === GAP_EVENT) client.gaps.push(data);
            client.notify();
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
      (url, cursor, events) => new EventStreamReader(`${servers[client.nextProcess()]!.url}${url}`, cursor, events),
    );
    for (const channel of channels) subscribe(channel, '');
    // The stream has started (its opening cursor came, the hub opened every subscription): every
    // event acknowledged from now on is owed.
    await client.until(() => opened >= channels.length, 10_000, 'the stream starts');
    const acknowledged = await publishWhileMoving(client);
    hub.close();

    expectExact(client, acknowledged);
  }, 180_000);
});
