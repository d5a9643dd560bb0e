import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleNodeProgram } from '../../support/bundleNodeProgram';
import { ChildOutput } from '../../support/childOutput';

const NODE_SOURCE = join(__dirname, '..', '..', 'support', 'redisClusterNode.ts');
let bundled: string | undefined;

/** Bundles the node program once per test file (dependencies stay in node_modules). */
function nodeScript(): string {
  bundled ??= bundleNodeProgram(NODE_SOURCE);
  return bundled;
}

/** An app the test drives through its JSON control routes. */
export interface ControlClient {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** POSTs JSON to a control route and answers the JSON reply with its status. */
  post<T>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  /** GETs a JSON route. */
  get<T>(path: string): Promise<T>;
}

/** The control client of the app at `url`. */
export function controlClient(url: string): ControlClient {
  return {
    url,
    async post<T>(path: string, body: unknown) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    async get<T>(path: string) {
      return (await (await fetch(`${url}${path}`)).json()) as T;
    },
  };
}

/** One running `redisClusterNode` child process. */
export interface ClusterNode extends ControlClient {
  child: ChildProcess;
  processId: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Where the node's bus connects: one Redis by URL, or a Redis Cluster by its nodes' URLs. */
export type RedisTarget = string | readonly string[];

/**
 * Starts a cluster node process on `redis` and resolves once it listens. `env` adds to its
 * environment (e.g. `DURABILITY=replicated`).
 */
export async function startClusterNode(
  redis: RedisTarget,
  keyPrefix: string,
  env: Record<string, string> = {},
): Promise<ClusterNode> {
  const child = spawn(process.execPath, [nodeScript()], {
    cwd: join(__dirname, '..', '..', '..'),
    // Bundled to a scratch directory: packages resolve from the project's node_modules.
    env: {
      ...process.env,
      NODE_PATH: join(__dirname, '..', '..', '..', 'node_modules'),
      ...(typeof redis === 'string' ? { REDIS_URL: redis } : { REDIS_CLUSTER_NODES: redis.join(',') }),
      KEY_PREFIX: keyPrefix,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const [line] = await new ChildOutput(child, 'the cluster node').line(/^\{"port".*\}$/);
    const { port, processId } = JSON.parse(line) as { port: number; processId: string };
    return { child, processId, exited, ...controlClient(`http://127.0.0.1:${port}`) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Stops a node that is still running (test clean-up). */
export async function killClusterNode(node: ClusterNode): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
  await node.exited;
}
