/**
 * A deadline on a promise: the one way the library (and its tests) bound a wait.
 */

/**
 * Settles as `work` does, or rejects with `onTimeout()` once `ms` have passed. The timer is
 * unref'd, so a pending deadline never keeps the process alive; `work` itself is not cancelled.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
