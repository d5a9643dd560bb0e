import { appendAtNextPosition } from './positionScripts';
import { RedisBusError } from './redisBusError';
import type { ResolvedRedisBusOptions } from './redisBusOptions';
import type { RedisKeys } from './redisKeys';
import type { RedisConnection } from './streamReader';

/** What {@link appendToChannel} needs from its bus. */
export interface ChannelAppendOptions
  extends Pick<
    ResolvedRedisBusOptions,
    'maxAgeMs' | 'maxLength' | 'idleTtlMs' | 'durability' | 'replicas' | 'commandTimeoutMs'
  > {
  keys: RedisKeys;
  /** True on a Redis Cluster: positions are clocked per bucket. */
  clustered: boolean;
  /**
   * Waits until `replicas` replicas have every write made so far on the publisher's connection
   * that serves `key`; resolves with how many did within `timeoutMs` (see `redisConnections.ts`).
   */
  waitForReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
}

/**
 * Appends the entry at the next position of the channel's bucket, trims the stream, refreshes the
 * key's TTL and, with `durability: 'replicated'`, waits for the replicas: on the publisher's own
 * connection, so no other command waits behind the `WAIT`. Resolves with the entry's id (its
 * position); rejects with a {@link RedisBusError} when fewer replicas than `replicas` confirmed
 * within `commandTimeoutMs` (the entry is stored, and may still be delivered).
 */
export async function appendToChannel(
  client: RedisConnection,
  options: ChannelAppendOptions,
  channel: string,
  fields: Record<string, string>,
): Promise<string> {
  const { keys, maxAgeMs, maxLength, idleTtlMs, durability, replicas, commandTimeoutMs } = options;
  const now = Date.now();
  // Each entry carries its time (`t`), for the age limit and `recent`: its id is a position, not a clock.
  const cutoff = maxAgeMs === undefined ? undefined : now - maxAgeMs;
  const timed = { ...fields, t: String(now) };
  const streamKey = keys.stream(channel);
  const id = await appendAtNextPosition(client, {
    position: { key: keys.position(keys.bucketOf(channel)), clocked: options.clustered },
    streamKey,
    maxLength,
    cutoff,
    ttlMs: idleTtlMs,
    fields: timed,
  });
  if (durability === 'replicated') {
    const acknowledged = await options.waitForReplicas(streamKey, replicas, commandTimeoutMs);
    if (acknowledged < replicas)
      throw new RedisBusError(
        `publish to ${channel}: stored as ${id} but acknowledged by ${acknowledged} of ${replicas} replicas within ${commandTimeoutMs} ms (it may still be delivered)`,
      );
  }
  return id;
}
