// Jest's test order (jest.config.ts `testSequencer`): the suites that measure the process's memory
// go first, so each starts in a fresh worker, with nothing that earlier suites left running in it
// (a clean clone has no timing cache, so Jest's own order would put them anywhere). The rest keep
// Jest's order (failed first, then slowest first once timings are known).
const Sequencer = require('@jest/test-sequencer').default;

/** Suites that assert bounds on the heap of the worker they run in, in the order they start. */
const MEASURING_FIRST = [
  '__tests__/soak/soak.test.ts',
  '__tests__/lib/redis/stalledRedis.test.ts',
  '__tests__/soak/presenceLoad.test.ts',
];

function rank(test) {
  const index = MEASURING_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
  return index === -1 ? MEASURING_FIRST.length : index;
}

class MeasuringSuitesFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const sorted = Array.isArray(ordered) ? ordered : [...ordered];
    // Array.prototype.sort is stable: within a rank, Jest's order is kept.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = MeasuringSuitesFirst;
