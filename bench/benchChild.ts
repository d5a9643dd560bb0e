import { type ChildProcess, spawn } from 'node:child_process';

/** How to start a child: its script, arguments, Node flags and the core to pin it to. */
export interface ChildOptions {
  script: string;
  args: readonly string[];
  nodeFlags?: readonly string[];
  /** CPU index for `taskset -c`, when `taskset` exists. */
  cpu: number | undefined;
  /** Open-files soft limit to ask for (raised up to the hard limit when the higher value is refused). */
  openFiles: number;
  /** Environment variables of this child beside the orchestrator's own. */
  env?: Readonly<Record<string, string>>;
}

/**
 * Raise the open-files limit if allowed, tell the child what it got (it cannot read its own
 * rlimit from Node), then replace the shell with the pinned Node process.
 */
const LAUNCHER = [
  'ulimit -n "$BENCH_WANTED_OPEN_FILES" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null',
  'export BENCH_OPEN_FILE_LIMIT="$(ulimit -n)"',
  'if [ -n "$BENCH_CPU" ]; then exec taskset -c "$BENCH_CPU" "$@"; else exec "$@"; fi',
].join('\n');

/**
 * A bench child process (server or load generator) spoken to over IPC: send a command, then
 * wait for the next reply of a given type. Every wait is bounded.
 */
export class BenchChild<Command, Reply extends { type: string }> {
  readonly #process: ChildProcess;
  readonly #inbox: Reply[] = [];
  #waiter: (() => void) | undefined;
  #exit: string | undefined;

  /** Starts the child. */
  constructor(options: ChildOptions) {
    this.#process = spawn(
      'sh',
      ['-c', LAUNCHER, 'bench-child', process.execPath, ...(options.nodeFlags ?? []), options.script, ...options.args],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          ...options.env,
          BENCH_WANTED_OPEN_FILES: String(options.openFiles),
          BENCH_CPU: options.cpu === undefined ? '' : String(options.cpu),
        },
      },
    );
    this.#process.on('message', (message: Reply) => {
      this.#inbox.push(message);
      this.#waiter?.();
    });
    this.#process.once('exit', (code, signal) => {
      this.#exit = `exited with ${signal ?? code}`;
      this.#waiter?.();
    });
  }

  /** Sends a command. */
  send(command: Command): void {
    this.#process.send(command as object);
  }

  /** The next reply of type `type` (an `error` reply or the child's exit rejects). */
  async next<T extends Reply['type']>(type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#inbox.findIndex((message) => message.type === type || message.type === 'error');
      if (index !== -1) {
        const [message] = this.#inbox.splice(index, 1);
        if (message!.type === 'error')
          throw new Error(`bench child failed: ${(message as unknown as { message: string }).message}`);
        return message as Extract<Reply, { type: T }>;
      }
      if (this.#exit) throw new Error(`bench child ${this.#exit} while waiting for "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`bench child sent no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          this.#waiter = undefined;
          resolve();
        };
      });
    }
  }

  /** Sends a command and waits for its reply. */
  async request<T extends Reply['type']>(
    command: Command,
    type: T,
    timeoutMs: number,
  ): Promise<Extract<Reply, { type: T }>> {
    this.send(command);
    return this.next(type, timeoutMs);
  }

  /**
   * Ends the child by closing its IPC channel (it exits on its own, which also lets
   * `--cpu-prof` write its profile), with SIGKILL after `graceMs`. Resolves once it is gone.
   */
  async stop(graceMs = 5000): Promise<void> {
    if (this.#exit) return;
    const gone = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    if (this.#process.connected) this.#process.disconnect();
    else this.#process.kill('SIGTERM');
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}
