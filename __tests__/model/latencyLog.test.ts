import { type BusTarget, latencyTarget, type TargetWorld } from '../support/busTargets';
import { startTestServer, type TestServer } from '../support/testServer';
import { modelOptions } from './modelOptions';
import { checkModel } from './modelRun';

describe('the event log on one Redis with per-channel delivery latency, three processes, against the model', () => {
  const target: BusTarget = latencyTarget();
  let world: TargetWorld<TestServer<undefined>>;
  beforeAll(async () => {
    await target.setUp();
    world = await target.start((options) => startTestServer<undefined>({}, options));
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await target.tearDown();
  });

  it('delivers every acknowledged event once, in per-channel order, or names the channel in a gap, over publishes, opens, drops and resumes on any process while channels overtake one another, and restarts that come back empty', async () => {
    // Clients of several channels too: their streams carry a cursor per channel, so one that saw a
    // later event of a quicker channel and resumes still gets an earlier one of a slower channel.
    const runs = await checkModel(
      { processes: world.processes, restartEmpty: world.restartEmpty },
      modelOptions({ numRuns: 150, maxSteps: 30 }),
    );
    expect(runs).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
