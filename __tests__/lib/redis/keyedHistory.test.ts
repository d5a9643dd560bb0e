import type { PublishResult } from '../../../index';
import { createBroadcaster } from '../../../index';
import { splitStreamEventId } from '../../../lib/protocol/eventId';
import { parseFrame } from '../../../lib/protocol/eventStreamParser';
import { entryIdOf } from '../../../lib/redis/entryIds';
import { RedisBus } from '../../../redis';
import { useRedisWithAdmin } from '../../support/redisWithAdmin';

const IDLE_TTL_MS = 60_000;

/** The Redis entry id of a published event. */
const entryOf = (receipt: PublishResult): string => entryIdOf(splitStreamEventId(receipt.id).position)!;

/**
 * Latest-value events on one Redis, where the stream shows how: a keyed publish deletes (`XDEL`) the
 * entry it supersedes, which Redis records as `max-deleted-entry-id`, and the channel's latest hash
 * says which entries the bus removed, so a replay tells them from trimmed ones.
 */
describe('RedisBus keyed events', () => {
  const rig = useRedisWithAdmin();
  let buses = 0;

  /** A broadcaster on a bus of its own key prefix, closed after `run`. */
  async function withBroadcaster(
    history: { size?: number },
    run: (broadcaster: ReturnType<typeof createBroadcaster>, prefix: string) => Promise<void>,
  ): Promise<void> {
    buses += 1;
    const prefix = `keyed${buses}:`;
    const bus = new RedisBus({
      url: rig.redis.url,
      keyPrefix: prefix,
      history: { ...history, idleTtlMs: IDLE_TTL_MS },
    });
    await bus.ready();
    const broadcaster = createBroadcaster({ bus });
    try {
      await run(broadcaster, prefix);
    } finally {
      await broadcaster.close();
    }
  }

  const replayed = async (broadcaster: ReturnType<typeof createBroadcaster>, channel: string, since: string) => {
    const history = await broadcaster.history(channel, { since });
    return history.kind === 'gap' ? 'gap' : history.events.map((event) => parseFrame(event.frame).data);
  };

  it('resumes a cursor that max-deleted-entry-id has passed: entries a key superseded are no trimming', async () => {
    await withBroadcaster({}, async (broadcaster, prefix) => {
      const first = await broadcaster.publish('figures', { key: 'cpu', data: 'cpu 1' });
      const second = await broadcaster.publish('figures', { key: 'cpu', data: 'cpu 2' });
      await broadcaster.publish('figures', { data: 'note' });
      await broadcaster.publish('figures', { key: 'cpu', data: 'cpu 3' });
      const info = await rig.admin.xInfoStream(`${prefix}stream:figures`);
      // The premise: Redis saw entries deleted after the cursor, and fewer kept than added.
      expect(info).toMatchObject({ length: 2, 'entries-added': 4, 'max-deleted-entry-id': entryOf(second) });
      expect(await replayed(broadcaster, 'figures', first.id)).toEqual(['note', 'cpu 3']);
      expect(await replayed(broadcaster, 'figures', second.id)).toEqual(['note', 'cpu 3']);
      expect(broadcaster.stats().superseded).toBe(2);
    });
  });

  it('keeps each key latest entry in a hash beside the stream, in its bucket, with the stream TTL', async () => {
    await withBroadcaster({}, async (broadcaster, prefix) => {
      await broadcaster.publish('figures', { key: 'cpu', data: 'cpu 1' });
      const memory = await broadcaster.publish('figures', { key: 'memory', data: 'memory 1' });
      const cpu = await broadcaster.publish('figures', { key: 'cpu', data: 'cpu 2' });
      expect(await rig.admin.hGetAll(`${prefix}latest:figures`)).toEqual({
        'k:cpu': entryOf(cpu),
        'k:memory': entryOf(memory),
        removed: '1',
      });
      // The key travels in the entry's `s` field.
      const entries = await rig.admin.xRange(`${prefix}stream:figures`, entryOf(cpu), entryOf(cpu));
      expect(entries?.[0]?.message).toMatchObject({ d: 'cpu 2', s: 'cpu' });
      const ttl = await rig.admin.pTTL(`${prefix}latest:figures`);
      expect(ttl).toBeGreaterThan(IDLE_TTL_MS - 5000);
      expect(ttl).toBeLessThanOrEqual(IDLE_TTL_MS);
    });
  });

  it('trims to exactly `size` entries, notes the newest trimmed, and a trimmed key leaves the hash', async () => {
    await withBroadcaster({ size: 3 }, async (broadcaster, prefix) => {
      const a = await broadcaster.publish('figures', { key: 'a', data: 'a' });
      const b = await broadcaster.publish('figures', { key: 'b', data: 'b' });
      await broadcaster.publish('figures', { key: 'c', data: 'c' });
      await broadcaster.publish('figures', { key: 'd', data: 'd' });
      expect(await rig.admin.xLen(`${prefix}stream:figures`)).toBe(3);
      const latest = await rig.admin.hGetAll(`${prefix}latest:figures`);
      expect(latest).toMatchObject({ trimmed: entryOf(a), removed: '1' });
      expect(
        Object.keys(latest)
          .filter((field) => field.startsWith('k:'))
          .sort(),
      ).toEqual(['k:b', 'k:c', 'k:d']);
      expect(await replayed(broadcaster, 'figures', b.id)).toEqual(['c', 'd']);
      expect(await replayed(broadcaster, 'figures', a.id)).toEqual(['b', 'c', 'd']);
      // Before a, the trimmed entry: a loss.
      expect(await replayed(broadcaster, 'figures', `${splitStreamEventId(a.id).position.split('.')[0]}.0`)).toBe(
        'gap',
      );
    });
  });

  it('answers a gap for a cursor before an entry something other than the bus deleted', async () => {
    await withBroadcaster({}, async (broadcaster, prefix) => {
      const first = await broadcaster.publish('notes', { data: 'one' });
      const second = await broadcaster.publish('notes', { data: 'two' });
      await broadcaster.publish('notes', { data: 'three' });
      await rig.admin.xDel(`${prefix}stream:notes`, entryOf(second));
      expect(await replayed(broadcaster, 'notes', first.id)).toBe('gap');
      expect(await replayed(broadcaster, 'notes', second.id)).toEqual(['three']);
    });
  });
});
