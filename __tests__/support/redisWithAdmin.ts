import { createClient } from 'redis';
import { RedisServer } from './redisServer';

/** A Redis the suite started, and a client of the test's own that inspects it. */
export interface RedisWithAdmin {
  readonly redis: RedisServer;
  readonly admin: ReturnType<typeof createClient>;
}

/**
 * Starts a Redis of the suite's own (a free port) with an admin client before its tests, and stops
 * both after them. Read the fields inside tests: they are set once `beforeAll` has run.
 */
export function useRedisWithAdmin(): RedisWithAdmin {
  const held: { redis?: RedisServer; admin?: ReturnType<typeof createClient> } = {};
  beforeAll(async () => {
    held.redis = await RedisServer.start();
    held.admin = createClient({ url: held.redis.url });
    held.admin.on('error', () => undefined);
    await held.admin.connect();
  });
  afterAll(async () => {
    held.admin?.destroy();
    await held.redis?.dispose();
  });
  return {
    get redis() {
      if (!held.redis) throw new Error('useRedisWithAdmin: read it inside a test, after beforeAll');
      return held.redis;
    },
    get admin() {
      if (!held.admin) throw new Error('useRedisWithAdmin: read it inside a test, after beforeAll');
      return held.admin;
    },
  };
}
