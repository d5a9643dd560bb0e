import { HASH_SLOTS, hashSlot } from './hashSlot';

/** Candidates tried per bucket before giving up (a tag lands in a range of 16384/count slots about every count tries). */
const MAX_TRIES = 1_000_000;

/**
 * The hash tags of `count` buckets, `{b<i>-<n>}`, each chosen so that bucket `i` hashes into the
 * i-th of `count` equal ranges of cluster slots. A cluster gives each master contiguous slot ranges,
 * so the buckets spread over the masters as evenly as their slots do.
 */
export function bucketTags(count: number): string[] {
  const tags: string[] = [];
  for (let bucket = 0; bucket < count; bucket += 1) {
    const low = Math.floor((bucket * HASH_SLOTS) / count);
    const high = Math.floor(((bucket + 1) * HASH_SLOTS) / count);
    let tag: string | undefined;
    for (let n = 0; tag === undefined && n < MAX_TRIES; n += 1) {
      const candidate = `{b${bucket}-${n}}`;
      const slot = hashSlot(candidate);
      if (slot >= low && slot < high) tag = candidate;
    }
    if (tag === undefined) throw new RangeError(`no hash tag found for bucket ${bucket} of ${count}`);
    tags.push(tag);
  }
  return tags;
}
