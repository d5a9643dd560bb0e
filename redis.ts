/**
 * express-htmx-sse/redis: the Redis bus, for apps that run several processes. A separate entry
 * point so that apps on the in-memory bus never load a Redis client (`redis` is an optional peer
 * dependency). Its report is `api/redis.api.md` (see ARCHITECTURE.md, "Public API").
 */
export type { Bus } from './lib/broadcast/bus';
export type { ClusterStats, ProcessReport } from './lib/redis/clusterStats';
export type { CommandGateState } from './lib/redis/commandGate';
export type { RedisBusState } from './lib/redis/redisBus';
export { RedisBus } from './lib/redis/redisBus';
export { RedisBusError } from './lib/redis/redisBusError';
export type {
  RedisBusClientOptions,
  RedisBusClusterOptions,
  RedisBusOptions,
  RedisDurability,
} from './lib/redis/redisBusOptions';
