/** What `npm test` gives one bus's model check: at most this long (the budget is 20 s a bus). */
const SUITE_TIME_LIMIT_MS = 15_000;

/**
 * The model check's options for one bus. `MODEL_TIME_MS` (with `MODEL_RUNS`) lengthens it for
 * `npm run model`; `MODEL_SEED` replays the seed a failure printed.
 */
export function modelOptions(defaults: { numRuns: number; maxSteps: number }): {
  numRuns: number;
  maxSteps: number;
  timeLimitMs: number;
  seed?: number;
} {
  const seed = process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED);
  return {
    numRuns: Number(process.env.MODEL_RUNS ?? defaults.numRuns),
    maxSteps: defaults.maxSteps,
    timeLimitMs: Number(process.env.MODEL_TIME_MS ?? SUITE_TIME_LIMIT_MS),
    seed,
  };
}
