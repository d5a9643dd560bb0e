import { bucketTags } from './bucketTags';
import { hashSlot } from './hashSlot';

/** The stream entry field that holds a latest-value event's key (see the table in {@link RedisKeys}). */
export const KEY_FIELD = 's';
/** What a key's field in a channel's latest hash starts with, so that no key can be mistaken for `trimmed` or `removed`. */
export const KEY_FIELD_PREFIX = 'k:';

/**
 * Every key the Redis bus uses, under one prefix. Keys are computed, never searched for: the bus
 * runs no `KEYS` or `SCAN`.
 *
 * On one Redis there is one bucket and keys carry no hash tag. On a Redis Cluster the channels
 * are spread over `buckets` buckets: each key of a bucket carries the bucket's hash tag, so every
 * script and every `XREAD` touches one slot; the keys that are not a channel's (`sendTo`
 * requests, inboxes, process reports) share bucket 0's tag.
 *
 * The fields of the stream entries, one letter each and no letter with two meanings:
 *
 * | field | meaning | in |
 * |---|---|---|
 * | `d` | the event's data | channel streams (`streamEntry.ts`) |
 * | `e` | the event type, when not `message` | channel streams |
 * | `x` | excluded connection ids, JSON | channel streams |
 * | `t` | publish time, ms since the epoch | channel streams (`channelAppend.ts`) |
 * | `s` | the event's key: the entry supersedes the earlier one of its key ({@link KEY_FIELD}) | channel streams |
 * | `k` | the kind: `w` write, `c` close, `r` replace, `i` info, `m` close where (`disconnectWhere`), `n` notice, `p` presence changed (request stream); `a` answer (inboxes) | the request stream, inboxes (`directMessages.ts`) |
 * | `c` | the connection id a request is for; the channel of a presence change | the request stream |
 * | `f` | the frame a request or notice carries | the request stream |
 * | `r` | the request id | the request stream, inboxes |
 * | `o` | the process that sent the request or notice | the request stream |
 * | `p` | the process that answers | inboxes |
 * | `a` | the answer (absent: the connection is not there) | inboxes |
 *
 * The position scripts (`positionScripts.ts`) also note `mark_at`/`mark_n` on a bucket's entries.
 *
 * A channel's latest hash ({@link RedisKeys.latest}), beside its stream, has the fields
 * `k:<key>` (the entry id of the key's latest event, {@link KEY_FIELD_PREFIX}), `trimmed` (the
 * newest entry id trimmed) and `removed` (how many entries the bus removed: trimmed or superseded).
 */
export class RedisKeys {
  /** The prefix every key starts with. */
  readonly prefix: string;
  readonly #tags: readonly string[];
  readonly #bucketKey: (channel: string) => string;

  /**
   * @param prefix - e.g. `sse:`; checked by `resolveRedisBusOptions`.
   * @param buckets - 0 on one Redis (no hash tags), else the number of buckets on a cluster.
   * @param bucketKey - what a channel's bucket is hashed from (default: its name).
   */
  constructor(prefix: string, buckets = 0, bucketKey: (channel: string) => string = (channel) => channel) {
    this.prefix = prefix;
    this.#tags = buckets === 0 ? [''] : bucketTags(buckets);
    this.#bucketKey = bucketKey;
  }

  /** How many buckets the channels are spread over (1 on one Redis). */
  get buckets(): number {
    return this.#tags.length;
  }

  /** The bucket a channel's keys live in. */
  bucketOf(channel: string): number {
    if (this.#tags.length === 1) return 0;
    const key = this.#bucketKey(channel);
    if (typeof key !== 'string')
      throw new TypeError(
        `RedisBus: cluster.bucketKey must return a string, got ${typeof key} for ${JSON.stringify(channel)}`,
      );
    return hashSlot(key) % this.#tags.length;
  }

  /** The stream holding one channel's events (its history and its live feed). */
  stream(channel: string): string {
    return `${this.prefix}${this.#tags[this.bucketOf(channel)]}stream:${channel}`;
  }

  /**
   * The hash beside a channel's stream, in its bucket and with the stream's TTL: the entry of each
   * key's latest event, and what the bus trimmed from the stream (fields in the class comment).
   */
  latest(channel: string): string {
    return `${this.prefix}${this.#tags[this.bucketOf(channel)]}latest:${channel}`;
  }

  /**
   * The hash of who is on a channel, in the channel's bucket: a field per process id, its members
   * as JSON (`redisPresence.ts`).
   */
  presence(channel: string): string {
    return `${this.prefix}${this.#tags[this.bucketOf(channel)]}presence:${channel}`;
  }

  /**
   * The hash the positions of a bucket's events come from (`n`, and on one Redis `epoch`): the key
   * that orders every channel of the bucket (each publish touches it together with its channel's
   * stream, in one script).
   */
  position(bucket: number): string {
    return `${this.prefix}${this.#tags[bucket]}position`;
  }

  /** The stream of `sendTo` requests, read by every process. */
  get direct(): string {
    return `${this.prefix}${this.#tags[0]}direct`;
  }

  /** One process's inbox in a bucket: `sendTo` answers (bucket 0) and wake-ups of that bucket's reader. */
  inbox(processId: string, bucket = 0): string {
    return `${this.prefix}${this.#tags[bucket]}inbox:${processId}`;
  }

  /** One process's stats report (expires unless refreshed). */
  report(processId: string): string {
    return `${this.prefix}${this.#tags[0]}process:${processId}`;
  }

  /** Sorted set of process ids, scored by when each last reported. */
  get processes(): string {
    return `${this.prefix}${this.#tags[0]}processes`;
  }
}
