import { type BusTarget, clusterTarget, type TargetWorld } from '../support/busTargets';
import { startTestServer, type TestServer } from '../support/testServer';
import { modelOptions } from './modelOptions';
import { checkModel } from './modelRun';

describe('the event log on a Redis Cluster (3 masters, 3 replicas), three processes, against the model', () => {
  const target: BusTarget = clusterTarget();
  let world: TargetWorld<TestServer<undefined>>;
  beforeAll(async () => {
    await target.setUp();
    world = await target.start((options) => startTestServer<undefined>({}, options));
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await target.tearDown();
  });

  // No restarts: a cluster cannot come back empty under the same buses here (see busTargets.ts).
  it('delivers every acknowledged event once, in per-channel order, or names the channel in a gap, over publishes, opens, drops and resumes on any process, with channels in several buckets', async () => {
    const runs = await checkModel({ processes: world.processes }, modelOptions({ numRuns: 1500, maxSteps: 30 }));
    expect(runs).toBeGreaterThanOrEqual(20);
  }, 90_000);
});
