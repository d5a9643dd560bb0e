import { bucketTags } from '../../../lib/redis/bucketTags';
import { HASH_SLOTS, hashSlot } from '../../../lib/redis/hashSlot';

describe('hashSlot', () => {
  it('is CRC16-XMODEM of the key modulo 16384, as Redis Cluster computes it', () => {
    // The CRC16-XMODEM check value: "123456789" gives 0x31C3.
    expect(hashSlot('123456789')).toBe(0x31c3);
    expect(hashSlot('')).toBe(0);
  });

  it('hashes only a non-empty hash tag, the text between the first { and the next }', () => {
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('user1000'));
    expect(hashSlot('{user1000}.followers')).toBe(hashSlot('{user1000}.following'));
    // An empty tag, or no closing brace: the whole key.
    expect(hashSlot('foo{}{bar}')).toBe(hashSlot('foo{}{bar}'));
    expect(hashSlot('foo{}{bar}')).not.toBe(hashSlot('bar'));
    expect(hashSlot('foo{bar')).not.toBe(hashSlot('bar'));
    // The tag ends at the first } after the first {.
    expect(hashSlot('foo{{bar}}zap')).toBe(hashSlot('{bar'));
  });
});

describe('bucketTags', () => {
  it.each([1, 3, 8, 256])('gives %i buckets tags that hash into equal, consecutive ranges of slots', (count) => {
    const tags = bucketTags(count);
    expect(new Set(tags).size).toBe(count);
    tags.forEach((tag, bucket) => {
      expect(tag).toMatch(/^\{b\d+-\d+\}$/);
      const slot = hashSlot(`prefix:${tag}stream:news`);
      expect(slot).toBeGreaterThanOrEqual(Math.floor((bucket * HASH_SLOTS) / count));
      expect(slot).toBeLessThan(Math.floor(((bucket + 1) * HASH_SLOTS) / count));
    });
  });
});
