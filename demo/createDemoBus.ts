import type { Bus } from '../index';

/**
 * The bus the demo runs on: in memory unless `REDIS_URL` is set (the Redis bus arrives with the
 * scale-out work). Returning `undefined` lets `createBroadcaster` use its embedded default.
 */
export async function createDemoBus(env: NodeJS.ProcessEnv = process.env): Promise<Bus | undefined> {
  if (env.REDIS_URL) throw new Error('REDIS_URL is set, but this build has no Redis bus yet');
  return undefined;
}
