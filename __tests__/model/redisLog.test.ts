import { RedisBus } from '../../redis';
import { RedisProxy } from '../support/redisProxy';
import { RedisServer } from '../support/redisServer';
import { startTestServer, type TestServer } from '../support/testServer';
import { modelOptions } from './modelOptions';
import { checkModel, type ModelWorld } from './modelRun';

const PROCESSES = 3;
/** How long the buses may take to be connected again after a restart. */
const RECONNECT_MS = 20_000;

describe('the event log on one Redis, three processes, against the model', () => {
  let redis: RedisServer;
  const buses: RedisBus[] = [];
  /** Each process reaches Redis through a proxy of its own, which can hold back its reader's answers. */
  const proxies: RedisProxy[] = [];
  const servers: TestServer<undefined>[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
    for (let index = 0; index < PROCESSES; index += 1) {
      const proxy = await RedisProxy.start(redis.port);
      proxies.push(proxy);
      const bus = new RedisBus({ url: proxy.url, keyPrefix: 'model:', commandTimeoutMs: 1000, blockMs: 1000 });
      await bus.ready();
      buses.push(bus);
      servers.push(await startTestServer({}, { bus }));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await redis.dispose();
  });

  /** Holds back the answers to process `index`'s live reader until the returned function lets them through. */
  function stallReader(index: number): () => void {
    const reader = `${buses[index]!.processId}:reader`;
    const held = proxies[index]!.holdReplies(reader);
    if (held !== 1) throw new Error(`stalling ${reader}: ${held} connections named so, expected 1`);
    return () => proxies[index]!.releaseReplies(reader);
  }

  /** Restarts Redis empty and waits until every process's connections are ready again. */
  async function restartEmpty(): Promise<void> {
    await redis.stop();
    await redis.start();
    const deadline = Date.now() + RECONNECT_MS;
    while (!buses.every((bus) => bus.state().connected)) {
      if (Date.now() > deadline)
        throw new Error(
          `the buses did not reconnect within ${RECONNECT_MS} ms: ${JSON.stringify(buses.map((bus) => bus.state()))}\n${redis.logTail()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('delivers every acknowledged event once, in per-channel order, or names the channel in a gap, over publishes, opens, drops and resumes on any process, stalled live readers, and restarts that come back empty', async () => {
    const world: ModelWorld = { processes: servers, restartEmpty, stallReader };
    const runs = await checkModel(world, modelOptions({ numRuns: 40, maxSteps: 30 }));
    expect(runs).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
