import type { Bus } from '../index';

/** How long the demo waits for Redis at start-up before giving up with a clear message. */
const REDIS_START_TIMEOUT_MS = 10_000;

/**
 * The bus the demo runs on: in memory, or the Redis bus when `REDIS_URL` is set (keys under
 * `REDIS_KEY_PREFIX`, default `sse-demo:`). Returning `undefined` lets `createBroadcaster` use
 * its embedded default. The Redis adapter is loaded only here, only then, so the in-memory demo
 * never loads a Redis client.
 */
export async function createDemoBus(env: NodeJS.ProcessEnv = process.env): Promise<Bus | undefined> {
  if (!env.REDIS_URL) return undefined;
  const { RedisBus } = await import('../redis');
  const bus = new RedisBus({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX ?? 'sse-demo:' });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis at ${env.REDIS_URL} did not answer within ${REDIS_START_TIMEOUT_MS / 1000} s`)),
      REDIS_START_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([bus.ready(), timeout]);
  } catch (error) {
    await bus.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return bus;
}
