import { withDeadline } from '../../../lib/async/deadline';

/** Resolves with `promise`, or fails naming `what` once `ms` have passed (a bound, not a timing assertion). */
export function settleWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(promise, ms, () => new Error(`${what}: not done within ${ms} ms`));
}

/** Re-checks `check` every `everyMs` until it returns a value other than undefined, at most `attempts` times. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  what: string,
  attempts = 100,
  everyMs = 100,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${what}: still not true after ${attempts} checks`);
}

/** What {@link publishWhenAccepted} needs of a broadcaster. */
interface Publisher {
  publish(channel: string, message: { data: string }): Promise<unknown>;
}

/**
 * Publishes `data` on `channel` again every 100 ms, for at most 30 s (a loaded machine), until one
 * publish is accepted (e.g. Redis is back); past that it fails with the last publish's error.
 */
export async function publishWhenAccepted(
  broadcaster: Publisher,
  channel: string,
  data: string,
  what: string,
): Promise<void> {
  let lastError: unknown;
  try {
    await pollUntil(
      () =>
        broadcaster.publish(channel, { data }).then(
          () => true,
          (error: unknown) => {
            lastError = error;
            return undefined;
          },
        ),
      what,
      300,
    );
  } catch (error) {
    throw new Error(`${String(error)}; the last publish failed with: ${String(lastError)}`);
  }
}
