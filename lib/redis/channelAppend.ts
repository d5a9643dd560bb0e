import { type AppendedEntry, appendAtNextPosition } from './positionScripts';
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
  /** `RedisConnections.waitForReplicas`. */
  waitForReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
}

/**
 * Appends the entry at the next position of the channel's bucket, deletes the entry of the same
 * `key` it supersedes, trims the stream, refreshes the keys' TTL and, with `durability: 'replicated'`,
 * waits for the replicas (a {@link RedisBusError} if too few confirm). Resolves with the entry's
 * position and whether it superseded one.
 */
export async function appendToChannel(
  client: RedisConnection,
  options: ChannelAppendOptions,
  channel: string,
  key: string | undefined,
  fields: Record<string, string>,
): Promise<AppendedEntry> {
  const { keys, maxAgeMs, maxLength, idleTtlMs, durability, replicas, commandTimeoutMs } = options;
  const now = Date.now();
  // Each entry carries its time (`t`), for the age limit and `recent`: its id is a position, not a clock.
  const cutoff = maxAgeMs === undefined ? undefined : now - maxAgeMs;
  const timed = { ...fields, t: String(now) };
  const streamKey = keys.stream(channel);
  const appended = await appendAtNextPosition(client, {
    position: { key: keys.position(keys.bucketOf(channel)), clocked: options.clustered },
    streamKey,
    latestKey: keys.latest(channel),
    maxLength,
    cutoff,
    ttlMs: idleTtlMs,
    key,
    fields: timed,
  });
  const id = appended.position;
  if (durability === 'replicated') {
    const acknowledged = await options.waitForReplicas(streamKey, replicas, commandTimeoutMs);
    if (acknowledged < replicas)
      throw new RedisBusError(
        `publish to ${channel}: stored as ${id} but acknowledged by ${acknowledged} of ${replicas} replicas within ${commandTimeoutMs} ms (it may still be delivered)`,
      );
  }
  return appended;
}
