import { ClusterChild } from './clusterChild';

const START_TIMEOUT_MS = 30_000;

/** One demo server process of the cluster. */
export interface DemoProcess {
  /** `http://127.0.0.1:PORT`, straight to this process (the balancer's URL is the one to open). */
  url: string;
  port: number;
  child: ClusterChild;
}

/**
 * Starts the demo server (`program`, a bundle of `demo/server.ts`) on a port it picks itself
 * (`PORT=0` on 127.0.0.1, so no other server can hold it), on the Redis at `redisUrl`, and
 * resolves with the port it printed once it listens.
 */
export async function startDemoProcess(options: {
  name: string;
  program: string;
  redisUrl: string;
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<DemoProcess> {
  const child = new ClusterChild(
    {
      name: options.name,
      command: process.execPath,
      args: [options.program],
      env: { ...process.env, ...options.env, PORT: '0', HOST: '127.0.0.1', REDIS_URL: options.redisUrl },
    },
    options.log,
  );
  try {
    const [, port] = await child.waitForLine(/^express-htmx-sse demo: http:\/\/127\.0\.0\.1:(\d+)\//, START_TIMEOUT_MS);
    return { url: `http://127.0.0.1:${port}`, port: Number(port), child };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
