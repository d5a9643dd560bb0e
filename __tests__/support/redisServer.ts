import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../demo/cluster/freePort';
import { assertOwnRedis } from '../../demo/cluster/redisOwnership';

const REDIS_SERVER = '/usr/bin/redis-server';
const START_TIMEOUT_MS = 30_000;
/** Lines of the server's own log kept for {@link RedisServer.logTail} (across restarts). */
const LOG_LINES_KEPT = 400;

/** Where a {@link RedisServer} listens; tests of the helper itself set these. */
export interface RedisServerPlace {
  /** Default: a free loopback port. */
  port?: number;
  /** The address redis-server binds. Default `127.0.0.1`, the address the helper checks and hands out. */
  bindAddress?: string;
  /** Further `redis-server` arguments, e.g. cluster mode's. */
  args?: readonly string[];
}

/**
 * A `redis-server` of the test's own on a free loopback port, persistence off, in a scratch
 * directory: tests never touch a Redis they did not start. Every start proves that the server
 * answering on the port is this child (`INFO server`'s `process_id`) and fails loudly otherwise.
 * It can be stopped and started again on the same port, and paused (SIGSTOP) to play an
 * unresponsive Redis.
 */
export class RedisServer {
  readonly port: number;
  readonly #bindAddress: string;
  readonly #args: readonly string[];
  readonly #dir: string;
  readonly #log: string[] = [];
  #child: ChildProcess | undefined;

  private constructor(port: number, bindAddress: string, args: readonly string[]) {
    this.port = port;
    this.#bindAddress = bindAddress;
    this.#args = args;
    this.#dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  }

  /** Starts a server (on a free port unless told) and resolves once it is proven ours and accepts connections. */
  static async start(place: RedisServerPlace = {}): Promise<RedisServer> {
    const server = new RedisServer(
      place.port ?? (await freePort()),
      place.bindAddress ?? '127.0.0.1',
      place.args ?? [],
    );
    try {
      await server.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** `redis://127.0.0.1:PORT` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on its port; resolves once it is ready and proven to be this child. */
  start(): Promise<void> {
    if (this.#child) return Promise.reject(new Error('redis-server is already running'));
    const args = [
      '--port',
      String(this.port),
      '--bind',
      this.#bindAddress,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.#dir,
      '--daemonize',
      'no',
      ...this.#args,
    ];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#keep(`--- redis-server started (pid ${child.pid}) ---`);
    child.stdout?.on('data', (chunk: Buffer) => this.#keep(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.#keep(chunk.toString()));
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          assertOwnRedis(this.port, child.pid).then(resolve, fail);
        }
      };
      const fail = (error: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        this.#child = undefined;
        reject(error);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code, signal) => {
        this.#keep(`--- redis-server (pid ${child.pid}) exited: ${signal ?? code} ---`);
        if (this.#child === child) this.#child = undefined;
        if (!output.includes('Ready to accept connections'))
          fail(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }

  /** Stops the server (its data is gone: persistence is off). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
    this.#child = undefined;
  }

  /** Kills the server without letting it shut down (a crash: nothing more reaches its replicas). */
  async crash(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.#child = undefined;
  }

  /** Freezes the server: connections stay open but nothing is answered. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Unfreezes a paused server. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /**
   * The last `lines` lines the server logged (stdout and stderr, across its restarts, with a marker
   * at each start and exit): what a failing test prints to say what the server saw.
   */
  logTail(lines = 40): string {
    return compactRepeats(this.#log).slice(-lines).join('\n');
  }

  #keep(text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.#log.push(line);
    if (this.#log.length > LOG_LINES_KEPT) this.#log.splice(0, this.#log.length - LOG_LINES_KEPT);
  }

  /** Stops the server and removes its scratch directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A Redis log line's text without its `pid:role date time` prefix. */
const LOG_PREFIX = /^\d+:[A-Z] \d{2} \w{3} \d{4} [\d:.]+ /;

/**
 * The log with runs of repeated messages (a replica retrying its master every second) folded into
 * their first occurrence and one `… repeated` line, so that a tail still reaches the lines before them.
 */
function compactRepeats(log: readonly string[]): string[] {
  const out: string[] = [];
  const recent: string[] = [];
  let repeats = 0;
  for (const line of log) {
    const message = line.replace(LOG_PREFIX, '');
    if (recent.includes(message)) {
      repeats += 1;
      continue;
    }
    if (repeats > 0) out.push(`  … ${repeats} repeated lines`);
    repeats = 0;
    out.push(line);
    recent.push(message);
    if (recent.length > 4) recent.shift();
  }
  if (repeats > 0) out.push(`  … ${repeats} repeated lines (to the end)`);
  return out;
}
