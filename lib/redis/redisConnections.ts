import { createClient, createCluster } from 'redis';
import type { ResolvedRedisBusOptions } from './redisBusOptions';
import type { RedisConnection } from './streamReader';

/**
 * The Redis connections of one bus: one for commands, one per bucket for blocking reads (a
 * blocking `XREAD` occupies its connection) and, with `durability: 'replicated'`, one for
 * publishes: `WAIT` blocks its connection until the replicas have every write made on it, so the
 * publish and its `WAIT` go on a connection no other command waits behind (with `'primary'`,
 * publishes go on the commands connection).
 *
 * - On one Redis: two connections in all, `<processId>:commands` and `<processId>:reader`
 *   (plus `<processId>:publisher`).
 * - On a Redis Cluster: node-redis's cluster client for commands (one connection per master,
 *   following MOVED redirects and failovers), and per bucket a cluster client that connects only
 *   to the master of that bucket's slot, so `masters + buckets` connections in all, whatever the
 *   number of channels and clients (plus a cluster client for publishes, one per master).
 *
 * The cluster client exposes the same command methods as a single client, and every command and
 * script of the bus names keys of one slot, so the bus drives both through one type.
 */
export interface RedisConnections {
  /** True on a Redis Cluster. */
  readonly clustered: boolean;
  readonly commands: RedisConnection;
  /** Where publishes go: `commands`, or with `durability: 'replicated'` a connection of their own. */
  readonly publisher: RedisConnection;
  /** One per bucket (one in all on one Redis). */
  readonly readers: readonly RedisConnection[];
  /** Every connection above, each once. */
  readonly all: readonly RedisConnection[];
  /**
   * Waits (`WAIT`) until `replicas` replicas have every write made so far on the publisher's
   * connection that serves `key`; resolves with how many did within `timeoutMs`. Only publishes
   * wait behind it.
   */
  waitForReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
}

/** Opens nothing yet: the bus connects them. */
export function createRedisConnections(options: ResolvedRedisBusOptions, buckets: number): RedisConnections {
  const { processId, cluster } = options;
  const replicated = options.durability === 'replicated';
  if (cluster === undefined) {
    // No offline queue: while Redis is unreachable a command fails at once instead of piling up.
    const base = { ...options.clientOptions, url: options.url, disableOfflineQueue: true };
    const commands = createClient({ ...base, name: `${processId}:commands` });
    const publisher = replicated ? createClient({ ...base, name: `${processId}:publisher` }) : commands;
    const readers = [createClient({ ...base, name: `${processId}:reader` })];
    return {
      clustered: false,
      commands,
      publisher,
      readers,
      all: [...new Set([commands, publisher, ...readers])],
      waitForReplicas: async (_key, replicas, timeoutMs) =>
        Number(await publisher.sendCommand(['WAIT', String(replicas), String(timeoutMs)])),
    };
  }
  const clusterClient = (name: string, minimizeConnections: boolean) =>
    createCluster({
      rootNodes: cluster.rootNodes.map((url) => ({ url })),
      defaults: { ...options.clientOptions, name, disableOfflineQueue: true },
      minimizeConnections,
    });
  const commands = clusterClient(`${processId}:commands`, false);
  const publisher = replicated ? clusterClient(`${processId}:publisher`, false) : commands;
  const readers = Array.from({ length: buckets }, (_, bucket) => clusterClient(`${processId}:reader:${bucket}`, true));
  return {
    clustered: true,
    commands: commands as unknown as RedisConnection,
    publisher: publisher as unknown as RedisConnection,
    readers: readers as unknown as RedisConnection[],
    all: [...new Set([commands, publisher, ...readers])] as unknown as RedisConnection[],
    // Routed by `key` to the publisher's connection to that slot's master, where the append ran.
    waitForReplicas: async (key, replicas, timeoutMs) =>
      Number(await publisher.sendCommand(key, false, ['WAIT', String(replicas), String(timeoutMs)])),
  };
}
