import { createClient, createCluster } from 'redis';
import type { ResolvedRedisBusOptions } from './redisBusOptions';
import type { RedisConnection } from './streamReader';

/**
 * The Redis connections of one bus: one for commands, and one per bucket for blocking reads (a
 * blocking `XREAD` occupies its connection).
 *
 * - On one Redis: two connections in all, `<processId>:commands` and `<processId>:reader`.
 * - On a Redis Cluster: node-redis's cluster client for commands (one connection per master,
 *   following MOVED redirects and failovers), and per bucket a cluster client that connects only
 *   to the master of that bucket's slot, so `masters + buckets` connections in all, whatever the
 *   number of channels and clients.
 *
 * The cluster client exposes the same command methods as a single client, and every command and
 * script of the bus names keys of one slot, so the bus drives both through one type.
 */
export interface RedisConnections {
  /** True on a Redis Cluster. */
  readonly clustered: boolean;
  readonly commands: RedisConnection;
  /** One per bucket (one in all on one Redis). */
  readonly readers: readonly RedisConnection[];
  /**
   * Waits (`WAIT`) until `replicas` replicas have every write made so far on the connection that
   * serves `key`; resolves with how many did within `timeoutMs`.
   */
  waitForReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
}

/** Opens nothing yet: the bus connects them. */
export function createRedisConnections(options: ResolvedRedisBusOptions, buckets: number): RedisConnections {
  const { processId, cluster } = options;
  if (cluster === undefined) {
    // No offline queue: while Redis is unreachable a command fails at once instead of piling up.
    const base = { ...options.clientOptions, url: options.url, disableOfflineQueue: true };
    const commands = createClient({ ...base, name: `${processId}:commands` });
    return {
      clustered: false,
      commands,
      readers: [createClient({ ...base, name: `${processId}:reader` })],
      waitForReplicas: async (_key, replicas, timeoutMs) =>
        Number(await commands.sendCommand(['WAIT', String(replicas), String(timeoutMs)])),
    };
  }
  const clusterClient = (name: string, minimizeConnections: boolean) =>
    createCluster({
      rootNodes: cluster.rootNodes.map((url) => ({ url })),
      defaults: { ...options.clientOptions, name, disableOfflineQueue: true },
      minimizeConnections,
    });
  const commands = clusterClient(`${processId}:commands`, false);
  const readers = Array.from({ length: buckets }, (_, bucket) => clusterClient(`${processId}:reader:${bucket}`, true));
  return {
    clustered: true,
    commands: commands as unknown as RedisConnection,
    readers: readers as unknown as RedisConnection[],
    waitForReplicas: async (key, replicas, timeoutMs) =>
      Number(await commands.sendCommand(key, false, ['WAIT', String(replicas), String(timeoutMs)])),
  };
}
