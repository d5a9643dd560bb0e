import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClientOptions } from 'redis';
import { type DebugLogger, type DebugOption, readDebugOption } from '../broadcast/debugLog';
import { type EventHistoryOptions, resolveHistoryLimits } from '../broadcast/eventHistory';
import { OptionReader } from '../validation/optionReader';

/** node-redis client options the bus passes through (everything but what the bus sets itself). */
export type RedisBusClientOptions = Omit<
  RedisClientOptions,
  'url' | 'name' | 'disableOfflineQueue' | 'keyPrefix' | 'RESP'
>;

/** Where a Redis Cluster is, and how the bus spreads channels over it. */
export interface RedisBusClusterOptions {
  /** `redis://` URLs of some of the cluster's nodes; the rest is discovered. */
  rootNodes: string[];
  /**
   * Buckets the channels are spread over (by hash of the channel name), each with its own hash
   * tag, position counter and blocking reader connection. Default 8; from 1 to 256.
   */
  buckets?: number;
  /**
   * What a channel's bucket is hashed from. Default: the channel name. Channels with the same key
   * share a bucket, so one stream on them resumes exactly across processes (see the README's
   * "Redis Cluster" section), e.g. `(channel) => channel.split(':')[0]`.
   */
  bucketKey?: (channel: string) => string;
}

/** When a `publish` counts as acknowledged. */
export type RedisDurability = 'primary' | 'replicated';

/** Options of `new RedisBus(options)`. */
export interface RedisBusOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. Default: node-redis's default (`localhost:6379`). Not with `cluster`. */
  url?: string;
  /**
   * A Redis Cluster (or a Valkey cluster) instead of one Redis. Positions are then clocked per
   * bucket instead of counted for the whole bus: see the README's "Redis Cluster" section for what
   * that changes for streams on channels of several buckets.
   */
  cluster?: RedisBusClusterOptions;
  /**
   * `'primary'` (default): `publish` resolves once the Redis that owns the channel has stored the
   * event; a failover within the replication lag can lose it. `'replicated'`: it resolves only once
   * `replicas` replicas have it too (`WAIT`), and rejects with a `RedisBusError` when they do not
   * within `commandTimeoutMs` (the event may still have been stored and delivered). Publishes and
   * their waits then go on a connection of their own (one more per process, per master on a
   * cluster): replays, `position()`, direct messages and stats never wait for replicas, while
   * publishes wait behind one another's replica wait.
   */
  durability?: RedisDurability;
  /** Replicas that must have an event for `durability: 'replicated'`. Default 1. */
  replicas?: number;
  /** Further node-redis options (socket, TLS, username, password, database, reconnect strategy, …). */
  clientOptions?: RedisBusClientOptions;
  /** Prefix of every key the bus writes. Default `sse:`. Use one per app sharing a Redis. */
  keyPrefix?: string;
  /**
   * Per-channel history. `size` (default 1000) is the stream's `MAXLEN`, kept exactly (entries that
   * keyed events superseded are not counted: they are deleted); `maxAgeMs` also trims by age with `MINID` (default: no age limit); `idleTtlMs` (default
   * 15 min) is the TTL of each channel's stream key, refreshed on every publish. `maxBytes` and
   * `totalBytes` apply to the in-memory bus only: here `size` times the broadcaster's
   * `maxEventBytes` bounds a channel.
   */
  history?: EventHistoryOptions;
  /** `publish`, `sendTo` and `history` reject when Redis has not answered within this. Default 2000 ms. */
  commandTimeoutMs?: number;
  /**
   * Commands sent to Redis and not yet answered, at most (a command that timed out still counts
   * until Redis answers it). Beyond it `publish` rejects at once with a `RedisBusError`, so a
   * stalled Redis cannot make the process hold more. Default 10000.
   */
  maxPendingCommands?: number;
  /** Payload bytes of those commands, at most (same rule as `maxPendingCommands`). Default 16 MiB. */
  maxPendingBytes?: number;
  /** How long one blocking read waits before it is reissued. Default 5000 ms. */
  blockMs?: number;
  /**
   * Entries read per stream per read. Default 100. While reads come back full (a backlog) the
   * count doubles, up to 10 times this, as long as a read's payloads stay under 512 K characters.
   */
  readCount?: number;
  /** How often this process reports its stats (kept for 3 intervals). Default 5000 ms. */
  statsIntervalMs?: number;
  /** Names this process in Redis (client names, stats). Default `<hostname>:<pid>:<random>`. */
  processId?: string;
  /** Receives connection and command errors (the bus keeps going; `state().lastError` shows the latest). */
  onError?: (error: Error) => void;
  /**
   * This bus's debug lines (streams followed, errors): `true` to stderr, a function to receive each
   * line, `false` for none. Default: as `NODE_DEBUG=express-htmx-sse` says, for the whole process.
   */
  debug?: DebugOption;
}

/** {@link RedisBusOptions} with every default applied. */
export interface ResolvedRedisBusOptions {
  url: string | undefined;
  cluster: { rootNodes: string[]; buckets: number; bucketKey: (channel: string) => string } | undefined;
  durability: RedisDurability;
  replicas: number;
  clientOptions: RedisBusClientOptions;
  keyPrefix: string;
  maxLength: number;
  maxAgeMs: number | undefined;
  idleTtlMs: number;
  commandTimeoutMs: number;
  maxPendingCommands: number;
  maxPendingBytes: number;
  blockMs: number;
  readCount: number;
  statsIntervalMs: number;
  processId: string;
  onError: ((error: Error) => void) | undefined;
  debug: DebugLogger;
}

const PROCESS_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const KEY_PREFIX = /^\S{0,64}$/;
const REDIS_URL = /^rediss?:\/\//;

function resolveCluster(read: OptionReader<RedisBusOptions>): ResolvedRedisBusOptions['cluster'] {
  const cluster = read.raw('cluster');
  if (cluster === undefined) return undefined;
  if (read.raw('url') !== undefined)
    throw read.error('cluster', 'absent when url is given (one or the other)', cluster);
  const rootNodes = typeof cluster === 'object' && cluster !== null ? cluster.rootNodes : undefined;
  if (
    !Array.isArray(rootNodes) ||
    rootNodes.length === 0 ||
    !rootNodes.every((url) => typeof url === 'string' && REDIS_URL.test(url))
  )
    throw read.error('cluster.rootNodes', 'a non-empty array of redis:// or rediss:// URLs', rootNodes);
  const clusterRead = new OptionReader<RedisBusClusterOptions>('RedisBus cluster', cluster);
  const buckets = clusterRead.integer('buckets', 8, { min: 1, max: 256 });
  const bucketKey = clusterRead.optionalFunction('bucketKey') ?? ((channel: string) => channel);
  return { rootNodes: [...rootNodes], buckets, bucketKey };
}

/** Validates the options (a `TypeError` names the bad value) and applies the defaults. */
export function resolveRedisBusOptions(options: RedisBusOptions): ResolvedRedisBusOptions {
  const read = new OptionReader<RedisBusOptions>('RedisBus', options);
  const history = resolveHistoryLimits('RedisBus', read.raw('history'), 1);
  const url = read.raw('url');
  if (url !== undefined && (typeof url !== 'string' || !REDIS_URL.test(url)))
    throw read.error('url', 'a redis:// or rediss:// URL', url);
  const cluster = resolveCluster(read);
  const processId = read.string('processId', defaultProcessId(), PROCESS_ID, '1-128 of A-Z a-z 0-9 _ . : -');
  // On a cluster the bus adds a hash tag after the prefix: a brace in the prefix would change every key's slot.
  const keyPrefix = cluster
    ? read.string(
        'keyPrefix',
        'sse:',
        /^[^\s{}]{0,64}$/,
        'a string of at most 64 characters without whitespace or braces',
      )
    : read.string('keyPrefix', 'sse:', KEY_PREFIX, 'a string of at most 64 characters without whitespace');
  return {
    url,
    cluster,
    durability: read.oneOf('durability', ['primary', 'replicated'] as const, 'primary'),
    replicas: read.integer('replicas', 1, { min: 1, max: 64 }),
    clientOptions: read.raw('clientOptions') ?? {},
    keyPrefix,
    maxLength: history.size,
    maxAgeMs: Number.isFinite(history.maxAgeMs) ? history.maxAgeMs : undefined,
    idleTtlMs: history.idleTtlMs,
    commandTimeoutMs: read.integer('commandTimeoutMs', 2000, { min: 1 }),
    maxPendingCommands: read.integer('maxPendingCommands', 10_000, { min: 1 }),
    maxPendingBytes: read.integer('maxPendingBytes', 16 * 1024 * 1024, { min: 1 }),
    blockMs: read.integer('blockMs', 5000, { min: 1 }),
    readCount: read.integer('readCount', 100, { min: 1 }),
    statsIntervalMs: read.integer('statsIntervalMs', 5000, { min: 1 }),
    processId,
    onError: read.optionalFunction('onError'),
    debug: readDebugOption(read.raw('debug'), (expected, value) => read.error('debug', expected, value)),
  };
}

function defaultProcessId(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 64)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
