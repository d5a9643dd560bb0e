/**
 * express-htmx-sse/redis: the Redis bus, for apps that run several processes. A separate entry
 * point so that apps on the in-memory bus never load a Redis client (`redis` is an optional peer
 * dependency).
 */
export type { ClusterStats, LocalStatsSource, ProcessReport } from './lib/adapters/clusterStats';
export { RedisBus } from './lib/adapters/redisBus';
export type { RedisBusState } from './lib/adapters/redisBus';
export { RedisBusError } from './lib/adapters/redisBusError';
export type { RedisBusClientOptions, RedisBusOptions } from './lib/adapters/redisBusOptions';
