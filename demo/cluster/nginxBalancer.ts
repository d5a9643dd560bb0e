import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterChild, describeExit } from './clusterChild';
import { nginxConfig } from './nginxConfig';

const NGINX = '/usr/sbin/nginx';
/** Generous: on a loaded 2-core machine a process start can take many seconds. */
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

/** The nginx in front of the demo processes. */
export interface NginxBalancer {
  /** `http://127.0.0.1:PORT`: the one URL to open. */
  url: string;
  child: ClusterChild;
}

/** What the server on `port` answers at `/_demo-balancer`, or undefined while nothing answers. */
async function balancerToken(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/_demo-balancer`, { signal: AbortSignal.timeout(2000) });
    return await response.text();
  } catch {
    return undefined;
  }
}

/**
 * Starts nginx as a child (`nginx -c <conf> -p <dir> -g 'daemon off;'`, with the configuration of
 * `nginxConfig.ts` written to `dir`) on 127.0.0.1:`port` in front of `upstreamPorts`, and resolves
 * once the server on that port answers this run's random token: another server that holds the
 * port is never taken for ours.
 */
export async function startNginxBalancer(options: {
  port: number;
  upstreamPorts: readonly number[];
  dir: string;
  log: (line: string) => void;
}): Promise<NginxBalancer> {
  if (!existsSync(NGINX))
    throw new Error(`${NGINX} is missing: install the Debian nginx package (scripts/ensure-system-deps.js does)`);
  const { port, dir } = options;
  mkdirSync(dir, { recursive: true });
  // Run as root, nginx's workers drop to an unprivileged user, which must reach the temp paths.
  chmodSync(dir, 0o711);
  const token = randomBytes(12).toString('hex');
  const config = join(dir, 'nginx.conf');
  writeFileSync(config, nginxConfig({ port, upstreamPorts: options.upstreamPorts, dir, token }));
  const child = new ClusterChild(
    { name: 'nginx', command: NGINX, args: ['-p', dir, '-c', config, '-e', 'stderr', '-g', 'daemon off;'] },
    options.log,
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.ended)
        throw new Error(
          `nginx ended (${describeExit(await child.exited)}) before it answered; its last output:\n${child.lastOutput()}`,
        );
      const answer = await balancerToken(port);
      if (answer === token) break;
      if (answer !== undefined)
        throw new Error(
          `the server on 127.0.0.1:${port} is not the nginx started for this cluster: refusing to use it`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `nginx did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms; its last output:\n${child.lastOutput()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, child };
}
