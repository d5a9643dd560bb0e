/**
 * With `durability: 'replicated'`, a publish waits (`WAIT`) for replicas that may be missing; the
 * bus's other commands must not queue behind that wait (issue 21, point 5).
 */
import { createClient } from 'redis';
import { RedisBus, RedisBusError } from '../../../redis';
import { idFromQuery } from '../../support/controlRoutes';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisServer } from '../../support/redisServer';
import { startTestServer, type TestServer } from '../../support/testServer';
import { pollUntil, settleWithin } from './settleWithin';

const COMMAND_TIMEOUT_MS = 2000;

describe("RedisBus with durability: 'replicated' and no replica", () => {
  let redis: RedisServer;
  const servers: TestServer<undefined>[] = [];
  const clients: RecordingEventSource[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.close()));
    await redis.dispose();
  });

  async function processWith(durability: 'primary' | 'replicated'): Promise<TestServer<undefined>> {
    const bus = new RedisBus({
      url: redis.url,
      keyPrefix: 'replica-wait:',
      durability,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      blockMs: 1000,
    });
    await bus.ready();
    const server = await startTestServer<undefined>({ connectionId: idFromQuery }, { bus });
    servers.push(server);
    return server;
  }

  /** Whether some connection to Redis is in a `WAIT` now. */
  async function someoneWaits(): Promise<true | undefined> {
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      return (await admin.clientList()).some((client) => client.cmd === 'wait') ? true : undefined;
    } finally {
      admin.destroy();
    }
  }

  it('answers position(), a replay and a direct message while a publish waits for replicas, and the publish still rejects', async () => {
    const replicated = await processWith('replicated');
    const primary = await processWith('primary');
    const first = await primary.broadcaster.publish('news', { data: 'one' });
    await primary.broadcaster.publish('news', { data: 'two' });
    const peer = new RecordingEventSource(`${primary.url}/sse/elsewhere?id=peer`);
    clients.push(peer);
    await settleWithin(peer.started(), 5000, 'the stream on the other process starts');

    let publishSettled = false;
    const publish = replicated.broadcaster.publish('news', { data: 'waits for a replica' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    void publish.finally(() => {
      publishSettled = true;
    });
    await pollUntil(someoneWaits, 'the publish waits for replicas');

    /** Whether the publish was still waiting when each of the other operations completed. */
    const whilePending: Record<string, boolean> = {};
    const note = (what: string) => () => {
      whilePending[what] = !publishSettled;
    };
    const replayed = new RecordingEventSource(`${replicated.url}/sse/news`, [], { 'Last-Event-ID': first.id });
    clients.push(replayed);
    const [position, sent] = await Promise.all([
      replicated.broadcaster.cursor().finally(note('position')),
      replicated.broadcaster.sendTo('peer', { data: 'direct' }).finally(note('sendTo')),
      settleWithin(replayed.received(2).then(note('replay')), COMMAND_TIMEOUT_MS * 3, 'the replay'),
    ]);

    expect(whilePending).toEqual({ position: true, sendTo: true, replay: true });
    expect(position).toMatch(/^[0-9a-zA-Z]+\.[0-9a-zA-Z]+$/);
    expect(sent).toBe(true);
    // Redis has stored the waiting event already ("it may still be delivered"): it is replayed too.
    expect(replayed.data()).toEqual(['two', 'waits for a replica']);
    await settleWithin(peer.received(1), 5000, 'the direct message');
    expect(peer.data()).toEqual(['direct']);

    const failure = await publish;
    expect(failure).toBeInstanceOf(RedisBusError);
    expect((failure as Error).message).toMatch(/^publish to news: /);
  });
});
