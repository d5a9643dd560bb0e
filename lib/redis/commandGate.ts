import { withCommandDeadline } from './commandDeadline';
import { RedisBusError } from './redisBusError';

/** The caps of a `CommandGate`. */
export interface CommandGateLimits {
  /** Commands sent to Redis and not yet answered, at most. */
  maxPendingCommands: number;
  /** Bytes of payload in those commands, at most. */
  maxPendingBytes: number;
  /** A caller stops waiting for an answer after this; the command itself stays pending. */
  commandTimeoutMs: number;
}

/** What a `CommandGate` holds right now, for `state()` and `_stats`. */
export interface CommandGateState {
  /** True from a command that outlived `commandTimeoutMs` until Redis next answers one. */
  degraded: boolean;
  /** Commands sent and not yet answered (timed-out ones included: they still hold memory). */
  pendingCommands: number;
  /** Payload bytes of those commands. */
  pendingBytes: number;
  /** Commands refused at once because a cap was reached, since the bus started. */
  refusedCommands: number;
}

/**
 * Bounds what a stalled Redis can make the process hold. A command that Redis does not answer
 * stays in the client's queue and socket buffer even after its caller's deadline has passed, so
 * the gate counts a command until Redis answers it (or the connection drops it), not until the
 * caller stops waiting. Past either cap, a command is refused at once with a
 * {@link RedisBusError}: memory stays within about `maxPendingBytes` plus a small fixed cost per
 * pending command, however long Redis stays frozen.
 */
export class CommandGate {
  readonly #limits: CommandGateLimits;
  #pendingCommands = 0;
  #pendingBytes = 0;
  #refusedCommands = 0;
  #degraded = false;

  /** @param limits - the caps and the deadline (already validated). */
  constructor(limits: CommandGateLimits) {
    this.#limits = limits;
  }

  /**
   * Sends one command through the gate: refused at once beyond a cap, else settles with Redis's
   * answer or rejects once `commandTimeoutMs` has passed (marking the gate degraded).
   * @param operation - what the command does, for error messages (e.g. `publish to news`).
   * @param bytes - the payload size it carries (0 for commands without one).
   * @param send - issues the command.
   */
  run<T>(operation: string, bytes: number, send: () => Promise<T>): Promise<T> {
    const { maxPendingCommands, maxPendingBytes, commandTimeoutMs } = this.#limits;
    if (this.#pendingCommands >= maxPendingCommands || this.#pendingBytes + bytes > maxPendingBytes) {
      this.#refusedCommands += 1;
      return Promise.reject(
        new RedisBusError(
          `${operation}: refused, ${this.#pendingCommands} commands (${this.#pendingBytes} bytes) already wait for Redis; the caps are maxPendingCommands ${maxPendingCommands} and maxPendingBytes ${maxPendingBytes}`,
        ),
      );
    }
    this.#pendingCommands += 1;
    this.#pendingBytes += bytes;
    let answered = false;
    let work: Promise<T>;
    try {
      work = send();
    } catch (error) {
      this.#release(bytes);
      return Promise.reject(error);
    }
    work.then(
      () => {
        answered = true;
        this.#degraded = false;
        this.#release(bytes);
      },
      () => {
        answered = true;
        this.#release(bytes);
      },
    );
    return withCommandDeadline(work, commandTimeoutMs, operation).catch((error: unknown) => {
      // Still unanswered past the deadline: Redis is stalled, not merely refusing this command.
      if (!answered) this.#degraded = true;
      throw error;
    });
  }

  /** What the gate holds now. */
  state(): CommandGateState {
    return {
      degraded: this.#degraded,
      pendingCommands: this.#pendingCommands,
      pendingBytes: this.#pendingBytes,
      refusedCommands: this.#refusedCommands,
    };
  }

  #release(bytes: number): void {
    this.#pendingCommands -= 1;
    this.#pendingBytes -= bytes;
  }
}
