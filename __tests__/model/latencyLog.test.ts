import { type BusTarget, latencyTarget, type TargetWorld } from '../support/busTargets';
import { startTestServer, type TestServer } from '../support/testServer';
import { modelOptions } from './modelOptions';
import { checkModel } from './modelRun';

describe('the event log on one Redis with per-channel delivery latency, three processes, against the model', () => {
  const target: BusTarget = latencyTarget();
  let world: TargetWorld<TestServer<undefined>>;
  beforeAll(async () => {
    await target.setUp();
    world = await target.start((options) => startTestServer({}, options));
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await target.tearDown();
  });

  it('delivers every acknowledged event once, in per-channel order, or names the channel in a gap, over publishes, opens, drops and resumes on any process while channels overtake one another, and restarts that come back empty (one channel per client)', async () => {
    // One channel per client: with several, a client that saw a later event of a quicker channel
    // and resumes from it skips an earlier event of a slower one still in flight (a stream's cursor
    // is one position; a cursor per partition is the missing piece, issue 21). That loss is real and
    // the contract suite shows it deterministically (it.failing); here it shows only when a drop
    // happens to fall inside a latency (not in 60 s of runs here), so it would turn this suite red by luck.
    const runs = await checkModel(
      { processes: world.processes, restartEmpty: world.restartEmpty },
      { ...modelOptions({ numRuns: 150, maxSteps: 30 }), maxChannelsPerClient: 1 },
    );
    expect(runs).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
