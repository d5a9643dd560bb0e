/**
 * The one clock of every timer-driven unit: keep-alives, idle and age expiry of history, the
 * durations of `SseStream`, and the browser monitor's heartbeat timeout and reconnect backoff.
 * Each takes a {@link Clock} and defaults to {@link systemClock}; a test hands it a clock it moves
 * by hand, so time passes in microseconds instead of in real waits. Shared by the server and the
 * browser runtime, so it uses nothing but the timers and time sources both have.
 */

/** Where a unit reads the time and sets its timers. */
export interface Clock {
  /** Wall-clock time in ms since the Unix epoch, as `Date.now()`: for times that are shown or stored. */
  now(): number;
  /**
   * Ms since an arbitrary origin, never going back, as `performance.now()`: for spacing timers,
   * so a wall clock set back or forward does not stretch or squeeze a schedule.
   */
  monotonic(): number;
  /**
   * Calls `callback` once, `ms` from now. On Node the timer does not keep the process alive.
   * @returns a handle that only this clock's {@link Clock.clearTimeout} reads.
   */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer this clock set; a handle whose timer ran already, or `undefined`, is ignored. */
  clearTimeout(timer: unknown): void;
}

/**
 * The real clock: `Date.now()`, `performance.now()` and the global timers, looked up on each call
 * (so Jest's fake timers, installed after this module loaded, drive it too).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(callback, ms) {
    const timer: unknown = setTimeout(callback, ms);
    // Node's timers are objects with `unref`; a browser's are numbers.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as Parameters<typeof clearTimeout>[0]),
};

/** Whether `value` has the four methods of a {@link Clock}. */
export function isClock(value: unknown): value is Clock {
  const clock = value as Partial<Clock> | null | undefined;
  return (
    typeof clock?.now === 'function' &&
    typeof clock.monotonic === 'function' &&
    typeof clock.setTimeout === 'function' &&
    typeof clock.clearTimeout === 'function'
  );
}
