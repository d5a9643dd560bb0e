import type { createClient, RedisClientOptions } from 'redis';
import { RedisBoardStore } from './board/redisBoardStore';
import type { JobRunner } from './jobs/jobRunner';
import { RedisJobStore } from './jobs/redisJobStore';

/** The node-redis client the demo keeps its shared state with (board, jobs). */
export type DemoRedis = ReturnType<typeof createClient>;

/** How long the demo waits for Redis at start-up before giving up with a clear message. */
const REDIS_START_TIMEOUT_MS = 10_000;

/** Settles as `work` does, or rejects naming `url` once the start-up timeout has passed. */
export async function withinRedisStartup<T>(work: Promise<T>, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis at ${url} did not answer within ${REDIS_START_TIMEOUT_MS / 1000} s`)),
      REDIS_START_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A connected client for the demo's own state keys, beside the bus's connections. Loaded only
 * when the demo runs on Redis, so the in-memory demo never loads a Redis client.
 */
export async function connectDemoRedis(url: string): Promise<DemoRedis> {
  const { createClient } = await import('redis');
  const options: RedisClientOptions = { url };
  const client = createClient(options);
  client.on('error', (error: unknown) => console.error('demo: Redis state connection:', error));
  try {
    await withinRedisStartup(client.connect(), url);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}

/** The demo's state shared by every process on one Redis. */
export interface SharedState {
  board: RedisBoardStore;
  /** The job store over this process's runner. */
  jobStore(runner: JobRunner): RedisJobStore;
  /** Closes the state connection. */
  close(): Promise<void>;
}

/**
 * The board and jobs in Redis when `REDIS_URL` is set (keys under the demo's prefix), so every
 * process shows the same; `undefined` for the in-memory demo, whose state lives in its one process.
 */
export async function createSharedState(env: NodeJS.ProcessEnv = process.env): Promise<SharedState | undefined> {
  if (!env.REDIS_URL) return undefined;
  const client = await connectDemoRedis(env.REDIS_URL);
  const prefix = demoKeyPrefix(env);
  return {
    board: new RedisBoardStore(client, prefix),
    jobStore: (runner) => new RedisJobStore(client, prefix, runner),
    close: () => client.close(),
  };
}

/** The prefix of the demo's Redis keys, the bus's and its own: `REDIS_KEY_PREFIX`, default `sse-demo:`. */
export function demoKeyPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDIS_KEY_PREFIX ?? 'sse-demo:';
}
