import { createBroadcaster } from '../../../index';
import { RedisBus } from '../../../redis';
import { useRedisWithAdmin } from '../../support/redisWithAdmin';

const IDLE_TTL_MS = 60_000;

describe('RedisBus stream keys expire when idle', () => {
  const rig = useRedisWithAdmin();

  it('gives each stream key the idleTtlMs TTL and refreshes it on every publish', async () => {
    const bus = new RedisBus({ url: rig.redis.url, keyPrefix: 'ttl:', history: { idleTtlMs: IDLE_TTL_MS } });
    await bus.ready();
    const broadcaster = createBroadcaster({ bus });
    try {
      await broadcaster.publish('jobs', { data: 'first' });
      const ttl = await rig.admin.pTTL('ttl:stream:jobs');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(IDLE_TTL_MS);

      // Shorten it by hand: the next publish must set it back to idleTtlMs.
      await rig.admin.pExpire('ttl:stream:jobs', 1000);
      await broadcaster.publish('jobs', { data: 'second' });
      expect(await rig.admin.pTTL('ttl:stream:jobs')).toBeGreaterThan(1000);
      expect(await rig.admin.xLen('ttl:stream:jobs')).toBe(2);
    } finally {
      await broadcaster.close();
    }
  });

  it('answers a gap to a cursor whose later events expired with the stream, and nothing to replay to a newer one', async () => {
    const bus = new RedisBus({ url: rig.redis.url, keyPrefix: 'ttl-expired:', history: { idleTtlMs: 300 } });
    await bus.ready();
    const broadcaster = createBroadcaster({ bus });
    try {
      const first = await broadcaster.publish('gone', { data: 'seen' });
      const last = await broadcaster.publish('gone', { data: 'missed by a client at the first' });
      // Redis expires the key by itself (no event to await): poll, bounded.
      for (let i = 0; i < 200 && (await rig.admin.exists('ttl-expired:stream:gone')) === 1; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await rig.admin.exists('ttl-expired:stream:gone')).toBe(0);
      expect((await broadcaster.history('gone', { since: first.id })).kind).toBe('gap');
      expect(await broadcaster.history('gone', { since: last.id })).toEqual({ kind: 'events', events: [] });
      expect(await broadcaster.history('never', { since: last.id })).toEqual({ kind: 'events', events: [] });
    } finally {
      await broadcaster.close();
    }
  });

  it('defaults to 15 minutes', async () => {
    const bus = new RedisBus({ url: rig.redis.url, keyPrefix: 'ttl-default:' });
    await bus.ready();
    const broadcaster = createBroadcaster({ bus });
    try {
      await broadcaster.publish('news', { data: 'x' });
      const ttl = await rig.admin.pTTL('ttl-default:stream:news');
      expect(ttl).toBeGreaterThan(14 * 60_000);
      expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    } finally {
      await broadcaster.close();
    }
  });
});
