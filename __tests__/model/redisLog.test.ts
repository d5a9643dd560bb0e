import { RedisBus } from '../../redis';
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
  const servers: TestServer<undefined>[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
    for (let index = 0; index < PROCESSES; index += 1) {
      const bus = new RedisBus({ url: redis.url, keyPrefix: 'model:', commandTimeoutMs: 1000, blockMs: 1000 });
      await bus.ready();
      buses.push(bus);
      servers.push(await startTestServer({}, { bus }));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await redis.dispose();
  });

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

  it('delivers every acknowledged event once, in per-channel order, or names the channel in a gap, over publishes, opens, drops and resumes on any process, and restarts that come back empty', async () => {
    const world: ModelWorld = { processes: servers, restartEmpty };
    const runs = await checkModel(world, modelOptions({ numRuns: 40, maxSteps: 30 }));
    expect(runs).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
