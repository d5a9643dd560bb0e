import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleNodeProgram } from './bundleNodeProgram';
import { type ClusterChild, describeExit } from './clusterChild';
import { type DemoProcess, startDemoProcess } from './demoProcess';
import { freePort } from './freePort';
import { type NginxBalancer, startNginxBalancer } from './nginxBalancer';
import { startOwnRedis } from './ownRedis';

const ROOT = join(__dirname, '..', '..');
/**
 * The demo server, bundled where `dist/browser/` (the monitor assets, from `npm run build`) is
 * found beside it, as it is from the sources.
 */
const SERVER_BUNDLE = join(ROOT, 'dist', 'demo-cluster', 'server.js');

/** Options of {@link startDemoCluster}. */
export interface DemoClusterOptions {
  /** Port of the balancer on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** A Redis to share; default: a `redis-server` of the cluster's own on a free port. */
  redisUrl?: string;
  /** Demo processes behind the balancer. Default 3. */
  processes?: number;
  /** More environment for the demo processes (e.g. `REDIS_KEY_PREFIX`, `DEMO_DIALECT`). */
  env?: NodeJS.ProcessEnv;
  /** Where every child's output goes, line by line. Default `console.log`. */
  log?: (line: string) => void;
}

/** A running demo cluster. */
export interface DemoCluster {
  /** The balancer's URL: the one to open. */
  url: string;
  redisUrl: string;
  /** The demo processes, each reachable straight too. */
  processes: readonly DemoProcess[];
  balancer: NginxBalancer;
  /**
   * Resolves, naming the child and how it ended, when a child ended on its own; the cluster has
   * stopped the rest by then. Never resolves for a {@link DemoCluster.crash} or {@link DemoCluster.stop}.
   */
  failed: Promise<string>;
  /** Kills demo process `index` at once (SIGKILL), as a crash would; the rest keep running. */
  crash(index: number): Promise<void>;
  /** Stops the balancer, the demo processes and the cluster's own Redis, and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * `npm run demo:cluster` as a function: a Redis of its own unless one is given, `processes`
 * demo servers on it (ports of their own choosing), and nginx on `port` balancing them round
 * robin. Whatever fails to start stops what had started. Once running, a child that ends on its
 * own stops the rest (see `failed`).
 */
export async function startDemoCluster(options: DemoClusterOptions): Promise<DemoCluster> {
  const log = options.log ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), 'demo-cluster-'));
  const children: ClusterChild[] = [];
  const expected = new Set<ClusterChild>();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The balancer first, so no request reaches a process on its way out; Redis last.
      for (const child of [...children].reverse()) expected.add(child);
      await Promise.all(children.filter((child) => child.name === 'nginx').map((child) => child.stop()));
      await Promise.all(children.filter((child) => child.name.startsWith('demo')).map((child) => child.stop()));
      await Promise.all(children.map((child) => child.stop()));
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    let redisUrl = options.redisUrl;
    if (redisUrl === undefined) {
      const redis = await startOwnRedis(join(dir, 'redis'), log);
      children.push(redis.child);
      redisUrl = redis.url;
    }
    const program = bundleNodeProgram(join(ROOT, 'demo', 'server.ts'), SERVER_BUNDLE);
    const count = options.processes ?? 3;
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        startDemoProcess({ name: `demo ${index + 1}`, program, redisUrl, env: options.env, log }),
      ),
    );
    const processes: DemoProcess[] = [];
    for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
    children.push(...processes.map((demo) => demo.child));
    const refused = started.find((result) => result.status === 'rejected');
    if (refused) throw refused.reason;
    const balancer = await startNginxBalancer({
      port: options.port === 0 ? await freePort() : options.port,
      upstreamPorts: processes.map((demo) => demo.port),
      dir: join(dir, 'nginx'),
      log,
    });
    children.push(balancer.child);

    const failed = new Promise<string>((resolve) => {
      for (const child of children) {
        void child.exited.then((exit) => {
          if (expected.has(child)) return;
          const reason = `${child.name} ended (${describeExit(exit)})`;
          void stop().then(() => resolve(reason));
        });
      }
    });
    return {
      url: balancer.url,
      redisUrl,
      processes,
      balancer,
      failed,
      async crash(index) {
        const { child } = processes[index];
        expected.add(child);
        child.kill('SIGKILL');
        await child.exited;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
