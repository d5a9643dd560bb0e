/**
 * Why a Redis bus operation failed: Redis did not answer in time, is unreachable, or the bus is
 * closed. The event was not acknowledged; the caller decides whether to retry.
 */
export class RedisBusError extends Error {
  override readonly name = 'RedisBusError';

  /**
   * @param message - what failed and why, naming the operation.
   * @param cause - the client's own error, when there is one.
   */
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
