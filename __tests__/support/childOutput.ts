import type { ChildProcess } from 'node:child_process';

/** How long a test waits for a child process (a node app) to start: generous for a loaded 2-core machine. */
export const CHILD_START_TIMEOUT_MS = 30_000;
/** Lines of output a failure message shows. */
const TAIL_LINES = 40;

/**
 * The output of a child process (stdout and stderr, both piped), kept from the moment it is made,
 * with a bounded wait for a line of it: a test awaits the line its child prints once it is up
 * rather than sleeping, and a child that never prints it fails the test with what it did print.
 */
export class ChildOutput {
  #text = '';
  /** How it ended, once it has and its output is all read (`close`). */
  #ended: string | undefined;
  #waiters: (() => void)[] = [];

  /**
   * @param child - a process spawned with `stdio: ['ignore', 'pipe', 'pipe']`; make this at once
   *   after `spawn`, so that no output is missed.
   * @param name - the child's name in failure messages, e.g. `the demo server`.
   */
  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        this.#text += text;
        this.#wake();
      });
    }
    child.once('close', (code, signal) => this.#end(signal ?? `code ${code}`));
    child.once('error', (error) => this.#end(`could not start: ${error.message}`));
  }

  /** Everything it has printed so far. */
  get text(): string {
    return this.#text;
  }

  /** Its last lines of output. */
  tail(lines = TAIL_LINES): string {
    return this.#text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * Resolves with the first line printed (already or to come) that matches `pattern`; rejects,
   * with the tail of its output, if the child ends first or `timeoutMs` pass.
   */
  line(pattern: RegExp, timeoutMs = CHILD_START_TIMEOUT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const settle = (outcome: () => void): void => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== check);
        outcome();
      };
      const fail = (why: string): void =>
        settle(() => reject(new Error(`${this.name} ${why}; its last output:\n${this.tail()}`)));
      const check = (): void => {
        const lines = this.#text.split('\n');
        // A line can arrive in pieces: its last piece counts only once the child has ended.
        if (this.#ended === undefined) lines.pop();
        const match = lines.map((line) => pattern.exec(line)).find((found) => found !== null);
        if (match) settle(() => resolve(match));
        else if (this.#ended !== undefined) fail(`ended (${this.#ended}) before printing ${pattern}`);
      };
      const timer = setTimeout(() => fail(`printed no line matching ${pattern} within ${timeoutMs} ms`), timeoutMs);
      this.#waiters.push(check);
      check();
    });
  }

  #end(how: string): void {
    this.#ended ??= how;
    this.#wake();
  }

  #wake(): void {
    for (const check of this.#waiters) check();
  }
}
