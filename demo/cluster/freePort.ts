import { createServer } from 'node:net';

/** The machine's own Redis listens there: a port this project must never hand out. */
const MACHINE_REDIS_PORT = 6379;

/**
 * A loopback port that was free a moment ago (the system's pick for port 0), never 6379. Another
 * process can still take it before its user binds it, so whoever starts a server there proves it
 * is its own (see `redisOwnership.ts`, `nginxBalancer.ts`).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 0 && port !== MACHINE_REDIS_PORT) return port;
  }
  throw new Error('no free loopback port found');
}
