import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { RedisClientOptions } from 'redis';
import type { EventHistoryOptions } from '../eventHistory';
import { describeValue } from '../fieldValidation';

/** node-redis client options the bus passes through (everything but what the bus sets itself). */
export type RedisBusClientOptions = Omit<RedisClientOptions, 'url' | 'name' | 'disableOfflineQueue' | 'keyPrefix' | 'RESP'>;

/** Options of `new RedisBus(options)`. */
export interface RedisBusOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. Default: node-redis's default (`localhost:6379`). */
  url?: string;
  /** Further node-redis options (socket, TLS, username, password, database, reconnect strategy, …). */
  clientOptions?: RedisBusClientOptions;
  /** Prefix of every key the bus writes. Default `sse:`. Use one per app sharing a Redis. */
  keyPrefix?: string;
  /**
   * Per-channel history. `size` (default 1000) is an approximate `MAXLEN` (Redis may keep a few
   * more); `maxAgeMs` also trims by age with `MINID` (default: no age limit).
   */
  history?: EventHistoryOptions;
  /** `publish`, `sendTo` and `history` reject when Redis has not answered within this. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** How long one blocking read waits before it is reissued. Default 5000 ms. */
  blockMs?: number;
  /** Entries read per stream per read. Default 100. */
  readCount?: number;
  /** How often this process reports its stats (kept for 3 intervals). Default 5000 ms. */
  statsIntervalMs?: number;
  /** Names this process in Redis (client names, stats). Default `<hostname>:<pid>:<random>`. */
  processId?: string;
  /** Receives connection and command errors (the bus keeps going; `state().lastError` shows the latest). */
  onError?: (error: Error) => void;
}

/** {@link RedisBusOptions} with every default applied. */
export interface ResolvedRedisBusOptions {
  url: string | undefined;
  clientOptions: RedisBusClientOptions;
  keyPrefix: string;
  maxLength: number;
  maxAgeMs: number | undefined;
  commandTimeoutMs: number;
  blockMs: number;
  readCount: number;
  statsIntervalMs: number;
  processId: string;
  onError: ((error: Error) => void) | undefined;
}

const PROCESS_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`RedisBus option ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Validates the options (a `TypeError` names the bad value) and applies the defaults. */
export function resolveRedisBusOptions(options: RedisBusOptions): ResolvedRedisBusOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`RedisBus options must be an object, got ${describeValue(options)}`);
  if (options.url !== undefined && (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url))) {
    throw new TypeError(`RedisBus url must start with redis:// or rediss://, got ${describeValue(options.url)}`);
  }
  const history = options.history ?? {};
  const processId = options.processId ?? `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  if (typeof processId !== 'string' || !PROCESS_ID.test(processId)) {
    throw new TypeError(`RedisBus processId must be 1-128 of A-Z a-z 0-9 _ . : -, got ${describeValue(processId)}`);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`RedisBus onError must be a function, got ${describeValue(options.onError)}`);
  }
  return {
    url: options.url,
    clientOptions: options.clientOptions ?? {},
    keyPrefix: options.keyPrefix ?? 'sse:',
    maxLength: positiveInteger('history.size', history.size, 1000),
    maxAgeMs: history.maxAgeMs === undefined ? undefined : positiveInteger('history.maxAgeMs', history.maxAgeMs, 0),
    commandTimeoutMs: positiveInteger('commandTimeoutMs', options.commandTimeoutMs, 2000),
    blockMs: positiveInteger('blockMs', options.blockMs, 5000),
    readCount: positiveInteger('readCount', options.readCount, 100),
    statsIntervalMs: positiveInteger('statsIntervalMs', options.statsIntervalMs, 5000),
    processId,
    onError: options.onError,
  };
}
