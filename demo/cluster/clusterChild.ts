import { type ChildProcess, spawn } from 'node:child_process';

/** How a child ended: its exit code, or the signal that ended it, or the error that kept it from starting. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** What to run. */
export interface ChildSpec {
  /** Shown before each line of its output, e.g. `redis` or `demo 1`. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Output lines kept for the message of a failed start. */
const KEPT_LINES = 40;
/** Time a child gets after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

/**
 * One child process of the demo cluster: its output goes to `log` line by line under its name,
 * its start can wait for a line of its output, and its end is a promise that never rejects.
 */
export class ClusterChild {
  readonly name: string;
  /** Resolves once the process has ended (or failed to start). */
  readonly exited: Promise<ChildExit>;
  readonly #process: ChildProcess;
  readonly #lines: string[] = [];
  #waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  #ended: ChildExit | undefined;

  /**
   * @param spec - the command and its environment.
   * @param log - where its output lines go, each as `[name] line`.
   */
  constructor(spec: ChildSpec, log: (line: string) => void) {
    this.name = spec.name;
    this.#process = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.#process.stdout, this.#process.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') this.#onLine(line, log);
      });
    }
    this.exited = new Promise((resolve) => {
      const end = (exit: ChildExit): void => {
        this.#ended ??= exit;
        resolve(this.#ended);
      };
      this.#process.once('error', (error) => end({ code: null, signal: null, error }));
      this.#process.once('exit', (code, signal) => end({ code, signal }));
    });
  }

  /** Its process id (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Whether it has ended. */
  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** Its last lines of output (stdout and stderr, at most 40): what a failed start prints to say why. */
  lastOutput(): string {
    return this.#lines.join('\n');
  }

  /**
   * Resolves with the first line of its output (already seen or to come) matching `pattern`;
   * rejects, with its last output, when it ends first or `timeoutMs` pass.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.#lines) {
      const match = pattern.exec(line);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`${this.name} ${why}; its last output:\n${this.lastOutput()}`));
      };
      const timer = setTimeout(() => fail(`printed no line matching ${pattern} within ${timeoutMs} ms`), timeoutMs);
      const entry = {
        pattern,
        resolve: (match: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(match);
        },
      };
      this.#waiters.push(entry);
      void this.exited.then((exit) => {
        if (this.#waiters.includes(entry)) fail(`ended (${describeExit(exit)}) before printing ${pattern}`);
      });
    });
  }

  /** Sends `signal` (a no-op once it has ended). */
  kill(signal: NodeJS.Signals): void {
    if (!this.ended) this.#process.kill(signal);
  }

  /** Asks it to stop (SIGTERM), kills it (SIGKILL) if it has not within a few seconds, and resolves once it has ended. */
  async stop(): Promise<ChildExit> {
    if (this.ended) return this.exited;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), STOP_GRACE_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  #onLine(line: string, log: (line: string) => void): void {
    log(`[${this.name}] ${line}`);
    this.#lines.push(line);
    if (this.#lines.length > KEPT_LINES) this.#lines.shift();
    this.#waiters = this.#waiters.filter((waiter) => {
      const match = waiter.pattern.exec(line);
      if (match) waiter.resolve(match);
      return !match;
    });
  }
}

/** `exit code 1`, `signal SIGKILL` or the start error, for messages. */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
