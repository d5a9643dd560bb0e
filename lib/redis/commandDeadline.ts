import { withDeadline } from '../async/deadline';
import { toError } from '../errors/toError';
import { RedisBusError } from './redisBusError';

/**
 * Settles with `work`, or rejects with a {@link RedisBusError} once `timeoutMs` has passed. The
 * command may still reach Redis later: a timed-out publish is "not acknowledged", never "not sent".
 * Client errors are wrapped so every failure names the operation that failed.
 */
export function withCommandDeadline<T>(work: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  return withDeadline(
    work,
    timeoutMs,
    () => new RedisBusError(`${operation}: Redis did not answer within ${timeoutMs} ms`),
  ).catch((error: unknown) => {
    if (error instanceof RedisBusError) throw error;
    throw new RedisBusError(`${operation}: Redis is unreachable (${toError(error).message})`, error);
  });
}

/**
 * Runs one operation on the bus's command connection under the bus's deadline, failing at once
 * when Redis is known to be unreachable or too many commands already wait for it. `bytes` is the
 * payload the command carries (default 0). Given to the parts of the bus that issue commands.
 */
export type RunCommand<C> = <T>(operation: string, work: (client: C) => Promise<T>, bytes?: number) => Promise<T>;
