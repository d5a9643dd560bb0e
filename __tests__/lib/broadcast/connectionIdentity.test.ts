/**
 * Connection identity, recent history, publish hooks and notices, through HTTP and a real
 * `eventsource` client, on the memory bus (one process) and on Redis (two processes, each a
 * child process): whatever process is asked, the answer is the same.
 */
import express from 'express';
import { createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { CLOSE_EVENT, CONNECTION_EVENT, NOTICE_EVENT } from '../../../lib/protocol/protocolEvents';
import { sseMiddleware } from '../../../middleware/sseMiddleware';
import { addControlRoutes, HOOKED_DROP, HOOKED_THROW, HOOKED_UPPER, idFromQuery } from '../../support/controlRoutes';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisServer } from '../../support/redisServer';
import { startTestServer } from '../../support/testServer';
import { type ControlClient, controlClient, killClusterNode, startClusterNode } from '../redis/clusterNodes';

/** Two processes (or one, twice) sharing one bus. */
interface Rig {
  a: ControlClient;
  b: ControlClient;
  close(): Promise<void>;
}

async function memoryRig(): Promise<Rig> {
  const server = await startTestServer<unknown>({ connectionId: idFromQuery }, {}, (app, broadcaster) =>
    addControlRoutes(app, broadcaster),
  );
  const node = controlClient(server.url);
  return { a: node, b: node, close: () => server.close() };
}

async function redisRig(): Promise<Rig> {
  const redis = await RedisServer.start();
  const nodes = await Promise.all([0, 1].map(() => startClusterNode(redis.url, 'identity-test:')));
  return {
    a: nodes[0],
    b: nodes[1],
    async close() {
      await Promise.all(nodes.map(killClusterNode));
      await redis.dispose();
    },
  };
}

/** The event name of the probes of {@link live}, recorded apart from the events a test counts. */
const WARM_UP = 'warm-up';

interface Info {
  id: string;
  channel: string;
}

describe.each([
  ['memory bus, one process', memoryRig],
  ['Redis bus, two processes', redisRig],
])('connections by id, recent, hooks and notices: %s', (_name, start) => {
  let rig: Rig;
  const clients: RecordingEventSource[] = [];

  function listen(node: ControlClient, channel: string, id?: string, types: string[] = []): RecordingEventSource {
    const query = id === undefined ? '' : `?id=${encodeURIComponent(id)}`;
    const client = new RecordingEventSource(`${node.url}/sse/${channel}${query}`, [
      CONNECTION_EVENT,
      CLOSE_EVENT,
      NOTICE_EVENT,
      WARM_UP,
      ...types,
    ]);
    clients.push(client);
    return client;
  }

  /**
   * Resolves once live events of `channel` reach `client`. On Redis a process starts reading a
   * channel's stream a moment after its first stream opens; an event published before that is
   * not live for it (a client catches up with `Last-Event-ID`). Probes until one arrives.
   */
  async function live(node: ControlClient, client: RecordingEventSource, channel: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      await node.post('/control/publish', { channel, event: WARM_UP, data: String(attempt) });
      const arrived = client.until(() => client.data(WARM_UP).length > 0).then(() => true);
      const waited = new Promise<false>((resolve) => setTimeout(() => resolve(false), 200));
      if (await Promise.race([arrived, waited])) return;
    }
    throw new Error(`no live event of ${channel} within 50 probes`);
  }

  /** Resolves with the id the stream announced in its first event. */
  async function idOf(client: RecordingEventSource): Promise<string> {
    await client.received(1, CONNECTION_EVENT);
    return client.data(CONNECTION_EVENT)[0];
  }

  beforeAll(async () => {
    rig = await start();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await rig.close();
  });

  it('starts every stream with its id: random by default, the app-chosen one when given', async () => {
    const chosen = listen(rig.a, 'room', 'user-7:tab-1');
    const random = listen(rig.a, 'room');
    expect(await idOf(chosen)).toBe('user-7:tab-1');
    expect(await idOf(random)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(chosen.events[0].type).toBe(CONNECTION_EVENT);
  });

  it('answers 400 with a JSON error for an app-chosen id that is not a valid connection id', async () => {
    const response = await fetch(`${rig.a.url}/sse/room?id=${encodeURIComponent('two words')}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/invalid connection id "two words"/);
  });

  it('looks a connection up by id from any process, and says undefined for an unknown one', async () => {
    const client = listen(rig.a, 'lobby', 'lookup-me');
    await idOf(client);
    const { info } = await rig.b.get<{ info: Info | null }>('/control/connection/lookup-me');
    expect(info).toMatchObject({ id: 'lookup-me', channel: 'lobby' });
    expect(await rig.b.get('/control/connection/nobody-here')).toEqual({ info: null });
  });

  it('disconnects one connection from any process with a close event carrying the reason', async () => {
    const client = listen(rig.a, 'lobby', 'kick-me');
    const other = listen(rig.a, 'lobby', 'stay');
    await Promise.all([idOf(client), idOf(other)]);
    const { body } = await rig.b.post<{ found: boolean }>('/control/disconnect', { id: 'kick-me', reason: 'kicked' });
    expect(body.found).toBe(true);
    await client.received(1, CLOSE_EVENT);
    expect(JSON.parse(client.data(CLOSE_EVENT)[0])).toEqual({ reconnect: false, reason: 'kicked' });
    expect(await rig.b.get('/control/connection/kick-me')).toEqual({ info: null });
    expect(other.data(CLOSE_EVENT)).toEqual([]);
    expect((await rig.b.post<{ found: boolean }>('/control/disconnect', { id: 'kick-me' })).body.found).toBe(false);
  });

  it('replaces a live stream whose id is taken again: the old one gets a close event, the new one stays', async () => {
    const first = listen(rig.a, 'desk', 'same-tab');
    await idOf(first);
    const second = listen(rig.b, 'desk', 'same-tab');
    await idOf(second);
    await live(rig.b, second, 'desk');
    await first.received(1, CLOSE_EVENT);
    expect(JSON.parse(first.data(CLOSE_EVENT)[0])).toEqual({ reconnect: false, reason: 'replaced' });
    await rig.a.post('/control/publish', { channel: 'desk', data: 'to the new one' });
    await second.received(1);
    expect(second.data()).toEqual(['to the new one']);
    expect(second.data(CLOSE_EVENT)).toEqual([]);
  });

  it('leaves out the tab named in the SSE-Connection-Id header of the request that made the change', async () => {
    const own = listen(rig.a, 'board', 'tab-own');
    const peer = listen(rig.b, 'board', 'tab-peer');
    await Promise.all([live(rig.a, own, 'board'), live(rig.b, peer, 'board')]);
    const response = await fetch(`${rig.a.url}/control/publish-from-page`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'SSE-Connection-Id': 'tab-own' },
      body: JSON.stringify({ channel: 'board', data: 'card moved' }),
    });
    expect(response.status).toBe(200);
    await peer.received(1);
    await rig.b.post('/control/publish', { channel: 'board', data: 'for everyone' });
    await own.received(1);
    await peer.received(2);
    expect(own.data()).toEqual(['for everyone']);
    expect(peer.data()).toEqual(['card moved', 'for everyone']);
  });

  it('returns the newest events decoded, oldest first, with the ids publish returned', async () => {
    const ids: string[] = [];
    for (const [node, event, data] of [
      [rig.a, undefined, '<p>one</p>'],
      [rig.b, 'score', { home: 2, away: 1 }],
      [rig.a, 'note', 'line 1\nline 2'],
    ] as const) {
      const { body } = await node.post<{ id: string }>('/control/publish', { channel: 'recent-feed', event, data });
      ids.push(body.id);
    }
    const recent = await rig.b.get<{ id: string; event?: string; data: string; publishedAt: number }[]>(
      '/control/recent/recent-feed?limit=2',
    );
    expect(recent.map(({ id, event, data }) => ({ id, event, data }))).toEqual([
      { id: ids[1], event: 'score', data: '{"home":2,"away":1}' },
      { id: ids[2], event: 'note', data: 'line 1\nline 2' },
    ]);
    for (const { publishedAt } of recent) expect(Math.abs(Date.now() - publishedAt)).toBeLessThan(60_000);
    expect(await rig.a.get('/control/recent/never-published?limit=5')).toEqual([]);
  });

  it('runs publish hooks before encoding: a changed event reaches the other process, a dropped one goes nowhere', async () => {
    const client = listen(rig.b, 'hooked', undefined, [HOOKED_UPPER, HOOKED_DROP]);
    await live(rig.b, client, 'hooked');
    const dropped = await rig.a.post<{ id: string; dropped: boolean }>('/control/publish', {
      channel: 'hooked',
      event: HOOKED_DROP,
      data: 'secret',
    });
    expect(dropped.body).toEqual({ id: '', delivered: 0, dropped: true });
    const changed = await rig.a.post<{ dropped: boolean }>('/control/publish', {
      channel: 'hooked',
      event: HOOKED_UPPER,
      data: 'quiet words',
    });
    expect(changed.body.dropped).toBe(false);
    await client.received(1, HOOKED_UPPER);
    expect(client.data(HOOKED_UPPER)).toEqual(['QUIET WORDS']);
    expect(client.data(HOOKED_DROP)).toEqual([]);
    const recent = await rig.b.get<{ event?: string }[]>('/control/recent/hooked?limit=10');
    expect(recent.map(({ event }) => event).filter((event) => event !== WARM_UP)).toEqual([HOOKED_UPPER]);
  });

  it('rejects publish with the error a hook threw, and publishes nothing', async () => {
    const refused = await rig.a.post<{ error: string }>('/control/publish', {
      channel: 'refused',
      event: HOOKED_THROW,
      data: 'x',
    });
    expect(refused).toEqual({ status: 503, body: { error: 'the hook refused it' } });
    expect(await rig.b.get('/control/recent/refused?limit=10')).toEqual([]);
  });

  it('sends a notice to every open stream of every process, whatever its channel', async () => {
    const here = listen(rig.a, 'channel-one');
    const there = listen(rig.b, 'channel-two');
    await Promise.all([idOf(here), idOf(there)]);
    const { body } = await rig.a.post<{ written: number }>('/control/announce', { data: 'maintenance in 5 minutes' });
    expect(body.written).toBeGreaterThanOrEqual(1);
    await Promise.all([here.received(1, NOTICE_EVENT), there.received(1, NOTICE_EVENT)]);
    expect(here.data(NOTICE_EVENT)).toEqual(['maintenance in 5 minutes']);
    expect(there.data(NOTICE_EVENT)).toEqual(['maintenance in 5 minutes']);
    expect(here.data()).toEqual([]);
  });
});

describe('broadcaster API checks', () => {
  it('refuses a bad connection id, a bad recent limit, a hook that is not a function and bad publish options, naming the value', async () => {
    const broadcaster = createBroadcaster();
    const app = express();
    app.use(sseMiddleware({ broadcaster }));
    await expect(broadcaster.connection('a b')).rejects.toThrow(/connection id must match .*, got "a b"/);
    await expect(broadcaster.disconnect('')).rejects.toThrow(TypeError);
    expect(() => broadcaster.recent('feed', { limit: 0 })).toThrow(
      'recent: option "limit" must be an integer from 1 to 10000, got 0',
    );
    expect(() => broadcaster.use('nope' as never)).toThrow('publish hook must be a function, got "nope"');
    await expect(broadcaster.publish('feed', { data: 'x' }, { exclude: [42] as never })).rejects.toThrow(
      'publish: option "exclude" must be a connection id or an array of them, got [42]',
    );
    await expect(broadcaster.publish('feed', { data: 'x' }, { filter: 'me' as never })).rejects.toThrow(TypeError);
    await expect(broadcaster.publish('feed', { data: 'x' }, null as never)).rejects.toThrow(TypeError);
    expect((await broadcaster.recent('feed')).length).toBe(0);
    await broadcaster.close();
  });
});
