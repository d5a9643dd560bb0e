import type { Clock } from '../../lib/time/clock';

interface PendingTimer {
  at: number;
  /** Order of setting: timers due at the same time run in the order they were set. */
  order: number;
  callback: () => void;
}

/** More timers than this in one `advance` is a loop that never lets time pass. */
const MAX_TIMERS_PER_ADVANCE = 1_000_000;

/**
 * A {@link Clock} that moves only when a test says so. `advance(ms)` runs every timer due on the
 * way in time order, each with the clock set to its own due time (a timer set by a timer runs too
 * when it falls within the span), then leaves the clock at the end of the span. Nothing else
 * moves it, so a unit driven by it never waits in real time, and a timer not yet due provably has
 * not run.
 */
export class ManualClock implements Clock {
  readonly #epoch: number;
  readonly #timers = new Set<PendingTimer>();
  #time = 0;
  #order = 0;

  /** @param epoch - what `now()` answers before the first `advance` (ms since the Unix epoch). */
  constructor(epoch = Date.UTC(2030, 0, 1)) {
    this.#epoch = epoch;
  }

  /** Whole ms, as `Date.now()` answers. */
  now(): number {
    return this.#epoch + Math.floor(this.#time);
  }

  monotonic(): number {
    return this.#time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer: PendingTimer = { at: this.#time + Math.max(0, ms), order: this.#order, callback };
    this.#order += 1;
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as PendingTimer);
  }

  /** Timers set and neither run nor cleared yet. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Ms until the next timer is due, or undefined when none is pending. */
  get nextDueIn(): number | undefined {
    const next = this.#next(Number.POSITIVE_INFINITY);
    return next && next.at - this.#time;
  }

  /** Moves the clock `ms` forward, running every timer due by then (see the class comment). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    const end = this.#time + ms;
    for (let ran = 0; ; ran += 1) {
      const next = this.#next(end);
      if (!next) break;
      if (ran === MAX_TIMERS_PER_ADVANCE) throw new Error(`ManualClock: over ${ran} timers in one advance`);
      this.#timers.delete(next);
      this.#time = next.at;
      next.callback();
    }
    this.#time = end;
  }

  /** The earliest timer due by `end`. */
  #next(end: number): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.#timers)
      if (timer.at <= end && (!first || timer.at < first.at || (timer.at === first.at && timer.order < first.order)))
        first = timer;
    return first;
  }
}
