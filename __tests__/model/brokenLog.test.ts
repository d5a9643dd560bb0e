import { startTestServer } from '../support/testServer';
import { type Breakage, brokenBus } from './brokenBus';
import { checkModel } from './modelRun';

describe('the model check, on a log broken on purpose', () => {
  /**
   * How long clients get to catch up at the end of a scenario. Where live delivery is broken, the
   * event lost or held can be a channel's end marker, and each such scenario waits this long, so it
   * is short. Where live delivery is intact, the wait ends when the markers arrive; a short bound
   * there would only turn a loaded machine's lag into a "never arrived" that shrinking can prefer
   * over the breach planted (it did, once, in a full run).
   */
  const LIVE_BROKEN_CATCH_UP_MS = 200;
  const LIVE_INTACT_CATCH_UP_MS = 10_000;

  it.each<[Breakage, RegExp, number]>([
    ['drop', /never arrived, and no gap named/, LIVE_BROKEN_CATCH_UP_MS],
    // Shrunk to its smallest form, a held event can be the last of its channel: it then arrives after the
    // run's end marker, when the client has gone, and is reported missing rather than late.
    ['reorder', /arrived after|never arrived, and no gap named/, LIVE_BROKEN_CATCH_UP_MS],
    // History keeps every event: a replay after a cursor sends superseded ones too.
    ['keysIgnored', /history of .* replayed .*, owed /, LIVE_INTACT_CATCH_UP_MS],
  ])(
    'fails on a bus that breaks its log (%s), printing the seed and the shrunk scenario',
    async (breakage, breach, catchUpMs) => {
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
          catchUpMs,
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
