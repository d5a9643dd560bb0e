import { type ChildProcess, spawn } from 'node:child_process';
import { extname, join } from 'node:path';

/**
 * `npm run demo:cluster`: three demo processes on three consecutive ports (from `PORT`, default
 * 3001) sharing one Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`). Open a tab on each port
 * and watch them stay in sync. Ctrl-C stops all three.
 */
const basePort = Number(process.env.PORT ?? 3001);
if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_533)
  throw new TypeError(`PORT must be a port number, got ${process.env.PORT}`);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// The server entry beside this file: server.js when built, server.ts under ts-node (same flags).
const serverEntry = join(__dirname, `server${extname(__filename)}`);

let stopping = false;
function stop(): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

const children: ChildProcess[] = [0, 1, 2].map((offset) => {
  const port = basePort + offset;
  const child = spawn(process.execPath, [...process.execArgv, serverEntry], {
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line) console.log(`[${port}] ${line}`);
    });
  }
  child.once('exit', (code, signal) => {
    console.log(`[${port}] exited (${signal ?? code})`);
    // One process failing (e.g. its port is taken) stops the others rather than leaving a partial cluster.
    if (code !== 0 && !stopping) stop();
  });
  return child;
});

console.log(`express-htmx-sse demo cluster on Redis ${redisUrl}: ports ${basePort}, ${basePort + 1}, ${basePort + 2}`);
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
