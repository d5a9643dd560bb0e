import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleNodeProgram } from '../../support/bundleNodeProgram';

const NODE_SOURCE = join(__dirname, '..', '..', 'support', 'redisClusterNode.ts');
const START_TIMEOUT_MS = 30_000;
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
export function startClusterNode(
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
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cluster node did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"port"'));
      if (!line) return;
      clearTimeout(timer);
      const { port, processId } = JSON.parse(line) as { port: number; processId: string };
      const url = `http://127.0.0.1:${port}`;
      resolve({ child, processId, exited, ...controlClient(url) });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`cluster node exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Stops a node that is still running (test clean-up). */
export async function killClusterNode(node: ClusterNode): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
  await node.exited;
}
