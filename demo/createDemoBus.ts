import type { Bus } from '../index';
import { demoKeyPrefix, withinRedisStartup } from './sharedState';

/** How often each demo process reports its connection counts: the connections panel shows every process's. */
const STATS_INTERVAL_MS = 1000;

/**
 * The bus the demo runs on: in memory, or the Redis bus when `REDIS_URL` is set (keys under
 * `REDIS_KEY_PREFIX`, default `sse-demo:`). Returning `undefined` lets `createBroadcaster` use
 * its embedded default. The Redis adapter is loaded only here, only then, so the in-memory demo
 * never loads a Redis client.
 */
export async function createDemoBus(env: NodeJS.ProcessEnv = process.env): Promise<Bus | undefined> {
  if (!env.REDIS_URL) return undefined;
  const { RedisBus } = await import('../redis');
  const bus = new RedisBus({
    url: env.REDIS_URL,
    keyPrefix: demoKeyPrefix(env),
    statsIntervalMs: STATS_INTERVAL_MS,
  });
  try {
    await withinRedisStartup(bus.ready(), env.REDIS_URL);
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}
