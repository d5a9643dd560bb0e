import { existsSync, mkdirSync } from 'node:fs';
import { ClusterChild } from './clusterChild';
import { freePort } from './freePort';
import { assertOwnRedis } from './redisOwnership';

const REDIS_SERVER = '/usr/bin/redis-server';
/** Generous: on a loaded 2-core machine a process start can take many seconds. */
const START_TIMEOUT_MS = 30_000;

/** A `redis-server` the cluster started for itself. */
export interface OwnRedis {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  child: ClusterChild;
}

/**
 * Starts a throw-away `redis-server` on a free loopback port (never 6379), persistence off, its
 * files in `dir`, and resolves once it accepts connections and is proven to be this child
 * (`INFO server`'s `process_id`): another server that won the port is never used.
 */
export async function startOwnRedis(dir: string, log: (line: string) => void): Promise<OwnRedis> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(
      `${REDIS_SERVER} is missing: install the Debian redis-server package (scripts/ensure-system-deps.js does)`,
    );
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = new ClusterChild(
    {
      name: 'redis',
      command: REDIS_SERVER,
      args: [...args, '--dir', dir, '--daemonize', 'no', '--loglevel', 'notice'],
    },
    log,
  );
  try {
    await child.waitForLine(/Ready to accept connections/, START_TIMEOUT_MS);
    await assertOwnRedis(port, child.pid);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, child };
}
