import { startTestServer } from '../support/testServer';
import { type Breakage, brokenBus } from './brokenBus';
import { checkModel } from './modelRun';

describe('the model check, on a log broken on purpose', () => {
  it.each<[Breakage, RegExp]>([
    ['drop', /never arrived, and no gap named/],
    // Shrunk to its smallest form, a held event can be the last of its channel: it then arrives after the
    // run's end marker, when the client has gone, and is reported missing rather than late.
    ['reorder', /arrived after|never arrived, and no gap named/],
    // History keeps every event: a replay after a cursor sends superseded ones too.
    ['keysIgnored', /history of .* replayed .*, owed /],
  ])(
    'fails on a bus that breaks its log (%s), printing the seed and the shrunk scenario',
    async (breakage, breach) => {
      // A fresh bus per scenario: each breaks its third live event (or every keyed one).
      const servers = [] as Awaited<ReturnType<typeof startTestServer<undefined>>>[];
      const world = {
        get processes() {
          return servers.slice(-1);
        },
      };
      const fresh = async (): Promise<void> => {
        servers.push(await startTestServer({}, { bus: brokenBus(breakage) }));
      };
      await fresh();
      try {
        const failure = await checkModel(world, {
          numRuns: 200,
          maxSteps: 30,
          timeLimitMs: 10_000,
          catchUpMs: 200,
          beforeEach: fresh,
        }).then(
          () => undefined,
          (error: unknown) => error as Error,
        );
        expect(failure?.message).toMatch(/seed: -?\d+/);
        expect(failure?.message).toMatch(/Counterexample: /);
        expect(String((failure?.cause as Error | undefined)?.message)).toMatch(breach);
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    },
    60_000,
  );
});
