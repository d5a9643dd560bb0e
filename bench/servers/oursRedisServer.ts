import { createServer } from 'node:http';
import express from 'express';
import { createBroadcaster, sseMiddleware } from '../../index';
import { RedisBus } from '../../redis';
import type { BenchServerFactory } from './benchServer';

/**
 * This library scaled out: `oursServer.ts` with the Redis bus (`BENCH_REDIS_URL`, a Redis the
 * orchestrator started), so every event goes to Redis and back before it is written. History and
 * ids are Redis's (a stream per channel, positions counted in Redis). Each process has keys of its
 * own unless `BENCH_REDIS_PREFIX` gives the processes of one run a shared prefix (scalemachine).
 */
export const createOursRedisServer: BenchServerFactory = ({ keepAliveMs, onConnection, historySize }) => {
  const url = process.env.BENCH_REDIS_URL;
  if (!url)
    throw new TypeError(
      'ours-redis needs BENCH_REDIS_URL (npm run bench starts a Redis when redis-server is installed)',
    );
  const bus = new RedisBus({
    url,
    keyPrefix: process.env.BENCH_REDIS_PREFIX ?? `bench-${process.pid}:`,
    ...(historySize === undefined ? {} : { history: { size: historySize } }),
  });
  const broadcaster = createBroadcaster({ bus });
  broadcaster.on('connect', onConnection);
  const app = express();
  app.use(sseMiddleware({ broadcaster, keepAlive: { intervalMs: keepAliveMs } }));
  const publish = (_sequence: number, data: string): Promise<unknown> => broadcaster.publish('bench', { data });
  const publishKeyed = async (channel: string, data: string, key: string | undefined): Promise<string> =>
    (await broadcaster.publish(channel, { data, key })).id;
  return { server: createServer(app), publish, publishKeyed, ready: bus.ready() };
};
