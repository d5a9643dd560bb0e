/**
 * A value read again and again, as an async iterable: what `SseStream.poll` serves. The first read
 * is at once; each next one `intervalMs` after the previous item was taken (so after it was written,
 * since a stream pulls the next item only then), on the stream's clock. It ends when `until` holds
 * for an item (after yielding that item), or when `signal` aborts, which also cuts a wait short.
 */
import type { Clock } from '../time/clock';

/** Reads the current value; `signal` aborts when the stream ends, `index` counts the reads from 0. */
export type PollRead<T> = (signal: AbortSignal, index: number) => T | Promise<T>;

/** How {@link polledSource} reads. */
export interface PolledSourceOptions<T> {
  /** Ms between an item taken and the next read. */
  intervalMs: number;
  /** Whether an item is the last one. Default: none is. */
  until?: (item: T) => boolean;
  /** Ends the reads. */
  signal: AbortSignal;
  /** The clock of the waits. */
  clock: Clock;
}

/** Yields `read`'s result at once, then again each `intervalMs` after the previous item was taken. */
export async function* polledSource<T>(read: PollRead<T>, options: PolledSourceOptions<T>): AsyncGenerator<T> {
  const { intervalMs, until, signal, clock } = options;
  for (let index = 0; !signal.aborted; index += 1) {
    const item = await read(signal, index);
    if (signal.aborted) return;
    yield item;
    if (until?.(item)) return;
    await pause(intervalMs, signal, clock);
  }
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (its timer then cleared). */
function pause(ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const wake = (): void => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = clock.setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
  });
}
