import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../demo/cluster/freePort';
import { assertOwnRedis } from '../demo/cluster/redisOwnership';

/** A Redis started for the run. */
export interface BenchRedis {
  url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/**
 * Starts a throw-away `redis-server` on 127.0.0.1 (no persistence), pinned to `cpu` when given,
 * for the Redis-bus variant. Resolves the reason instead when there is none to start; throws
 * when the server answering on its port is not the one it started.
 */
export async function startBenchRedis(cpu: number | undefined): Promise<BenchRedis | string> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return 'redis-server is not installed';
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--loglevel',
    'warning',
  ];
  const child: ChildProcess =
    cpu === undefined ? spawn('redis-server', args) : spawn('taskset', ['-c', String(cpu), 'redis-server', ...args]);
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    const poll = (attempt: number): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('error', () => (attempt < 100 ? setTimeout(() => poll(attempt + 1), 100) : resolve(false)));
    };
    child.once('exit', () => resolve(false));
    poll(0);
  });
  if (!started) {
    child.kill('SIGKILL');
    return 'redis-server did not start';
  }
  // Accepting connections proves nothing: another Redis may have won the port. (taskset execs
  // redis-server, so the pid is the server's either way.)
  await assertOwnRedis(port, child.pid).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
