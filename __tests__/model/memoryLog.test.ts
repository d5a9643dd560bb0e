import { startTestServer, type TestServer } from '../support/testServer';
import { modelOptions } from './modelOptions';
import { checkModel } from './modelRun';

describe('the event log on the memory bus, against the model', () => {
  let server: TestServer<undefined>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('delivers every acknowledged event once, in per-channel order, or names the channel in a gap, over random publishes, opens, drops and resumes', async () => {
    const runs = await checkModel({ processes: [server] }, modelOptions({ numRuns: 150, maxSteps: 40 }));
    expect(runs).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
