import { RedisBusError } from './redisBusError';

/**
 * Settles with `work`, or rejects with a {@link RedisBusError} once `timeoutMs` has passed. The
 * command may still reach Redis later: a timed-out publish is "not acknowledged", never "not sent".
 * Client errors are wrapped so every failure names the operation that failed.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisBusError(`${operation}: Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        const reason = error instanceof Error ? error.message : String(error);
        reject(new RedisBusError(`${operation}: Redis is unreachable (${reason})`, error));
      },
    );
  });
}

/**
 * Runs one operation on the bus's command connection under the bus's deadline, failing at once
 * when Redis is known to be unreachable. Given to the parts of the bus that issue commands.
 */
export type RunCommand<C> = <T>(operation: string, work: (client: C) => Promise<T>) => Promise<T>;
