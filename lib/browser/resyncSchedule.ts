import { type Clock, systemClock } from '../time/clock';

/**
 * How long the first gap of a burst waits for the rest: the gaps of a stream's other channels, or
 * the same gap seen again, arrive within a few ms of each other (one write on the server, one
 * message per event from a shared stream's worker).
 */
export const RESYNC_SETTLE_MS = 100;

/**
 * When an element's resync runs: once per burst of gaps, never two at once. The first gap waits
 * {@link RESYNC_SETTLE_MS} for the rest of its burst, then the resync runs; gaps meanwhile join
 * it. A gap while it runs queues one more run, however many arrive, which waits as a new burst
 * once the first has ended: what the first fetched may predate that gap.
 */
export class ResyncSchedule {
  readonly #run: () => Promise<void>;
  readonly #clock: Clock;
  #timer: unknown;
  #running = false;
  #queued = false;
  #cancelled = false;

  /**
   * @param run - the resync; it handles its own failures (a rejection only ends the run).
   * @param clock - where the settle timer is set (default: the page's timers).
   */
  constructor(run: () => Promise<void>, clock: Clock = systemClock) {
    this.#run = run;
    this.#clock = clock;
  }

  /** A gap arrived. */
  request(): void {
    if (this.#cancelled) return;
    if (this.#running) this.#queued = true;
    else if (this.#timer === undefined) this.#timer = this.#clock.setTimeout(this.#start, RESYNC_SETTLE_MS);
  }

  /** Nothing runs from now on (a run in progress finishes, and nothing follows it). */
  cancel(): void {
    this.#cancelled = true;
    this.#queued = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #start = (): void => {
    this.#timer = undefined;
    this.#running = true;
    this.#run()
      .catch(() => undefined)
      .finally(() => {
        this.#running = false;
        if (!this.#queued) return;
        this.#queued = false;
        this.request();
      });
  };
}
