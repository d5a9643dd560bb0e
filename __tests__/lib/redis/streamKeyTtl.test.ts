import { createClient } from 'redis';
import { createBroadcaster } from '../../../index';
import { RedisBus } from '../../../redis';
import { RedisServer } from '../../support/redisServer';

const IDLE_TTL_MS = 60_000;

describe('RedisBus stream keys expire when idle', () => {
  let redis: RedisServer;
  let admin: ReturnType<typeof createClient>;
  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = createClient({ url: redis.url });
    admin.on('error', () => undefined);
    await admin.connect();
  });
  afterAll(async () => {
    admin.destroy();
    await redis.dispose();
  });

  it('gives each stream key the idleTtlMs TTL and refreshes it on every publish', async () => {
    const bus = new RedisBus({ url: redis.url, keyPrefix: 'ttl:', history: { idleTtlMs: IDLE_TTL_MS } });
    await bus.ready();
    const broadcaster = createBroadcaster({ bus });
    try {
      await broadcaster.publish('jobs', { data: 'first' });
      const ttl = await admin.pTTL('ttl:stream:jobs');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(IDLE_TTL_MS);

      // Shorten it by hand: the next publish must set it back to idleTtlMs.
      await admin.pExpire('ttl:stream:jobs', 1000);
      await broadcaster.publish('jobs', { data: 'second' });
      expect(await admin.pTTL('ttl:stream:jobs')).toBeGreaterThan(1000);
      expect(await admin.xLen('ttl:stream:jobs')).toBe(2);
    } finally {
      await broadcaster.close();
    }
  });

  it('defaults to 15 minutes', async () => {
    const bus = new RedisBus({ url: redis.url, keyPrefix: 'ttl-default:' });
    await bus.ready();
    const broadcaster = createBroadcaster({ bus });
    try {
      await broadcaster.publish('news', { data: 'x' });
      const ttl = await admin.pTTL('ttl-default:stream:news');
      expect(ttl).toBeGreaterThan(14 * 60_000);
      expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    } finally {
      await broadcaster.close();
    }
  });
});
