import { RESYNC_SETTLE_MS, ResyncSchedule } from '../../../lib/browser/resyncSchedule';
import { ManualClock } from '../../support/manualClock';

/** A schedule whose runs the test ends by hand, on a manual clock. */
function schedule() {
  const clock = new ManualClock();
  const runs: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const resync = new ResyncSchedule(
    () =>
      new Promise<void>((resolve, reject) => {
        runs.push({ resolve, reject });
      }),
    clock,
  );
  return { clock, runs, resync };
}

/** Lets the schedule see a run's end (its `finally` runs on the microtask queue). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ResyncSchedule on a manual clock', () => {
  it('runs once for a burst of gaps, RESYNC_SETTLE_MS after the first', () => {
    const { clock, runs, resync } = schedule();
    resync.request();
    clock.advance(RESYNC_SETTLE_MS / 2);
    resync.request();
    clock.advance(RESYNC_SETTLE_MS / 2 - 1);
    resync.request();
    expect(runs).toHaveLength(0);
    clock.advance(1);
    expect(runs).toHaveLength(1);
    clock.advance(10 * RESYNC_SETTLE_MS);
    expect(runs).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('queues exactly one more run for any number of gaps during a run, after it ends and a settle', async () => {
    const { clock, runs, resync } = schedule();
    resync.request();
    clock.advance(RESYNC_SETTLE_MS);
    for (let gap = 0; gap < 3; gap += 1) resync.request();
    clock.advance(10 * RESYNC_SETTLE_MS);
    expect(runs).toHaveLength(1);

    runs[0].resolve();
    await settled();
    expect(runs).toHaveLength(1);
    clock.advance(RESYNC_SETTLE_MS);
    expect(runs).toHaveLength(2);
    runs[1].resolve();
    await settled();
    clock.advance(10 * RESYNC_SETTLE_MS);
    expect(runs).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('starts a new burst for a gap after a run ended, failed or not', async () => {
    const { clock, runs, resync } = schedule();
    resync.request();
    clock.advance(RESYNC_SETTLE_MS);
    runs[0].reject(new Error('offline'));
    await settled();
    resync.request();
    clock.advance(RESYNC_SETTLE_MS);
    expect(runs).toHaveLength(2);
  });

  it('runs nothing once cancelled: neither the burst waiting nor the run queued behind one in progress', async () => {
    const waiting = schedule();
    waiting.resync.request();
    waiting.resync.cancel();
    waiting.resync.request();
    waiting.clock.advance(10 * RESYNC_SETTLE_MS);
    expect(waiting.runs).toHaveLength(0);
    expect(waiting.clock.pending).toBe(0);

    const running = schedule();
    running.resync.request();
    running.clock.advance(RESYNC_SETTLE_MS);
    running.resync.request();
    running.resync.cancel();
    running.runs[0].resolve();
    await settled();
    running.clock.advance(10 * RESYNC_SETTLE_MS);
    expect(running.runs).toHaveLength(1);
  });
});
