/**
 * Every key the Redis bus uses, under one prefix. Keys are computed, never searched for: the bus
 * runs no `KEYS` or `SCAN`.
 */
export class RedisKeys {
  /** The prefix every key starts with. */
  readonly prefix: string;

  /** @param prefix - e.g. `sse:`; checked by `resolveRedisBusOptions`. */
  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** The stream holding one channel's events (its history and its live feed). */
  stream(channel: string): string {
    return `${this.prefix}stream:${channel}`;
  }

  /**
   * The hash every event's position comes from (`epoch` and the counter `n`), for every channel:
   * the one key that orders the whole bus (each publish touches it together with its channel's
   * stream, in one script).
   */
  get position(): string {
    return `${this.prefix}position`;
  }

  /** The stream of `sendTo` requests, read by every process. */
  get direct(): string {
    return `${this.prefix}direct`;
  }

  /** One process's inbox: `sendTo` answers and reader wake-ups. */
  inbox(processId: string): string {
    return `${this.prefix}inbox:${processId}`;
  }

  /** One process's stats report (expires unless refreshed). */
  report(processId: string): string {
    return `${this.prefix}process:${processId}`;
  }

  /** Sorted set of process ids, scored by when each last reported. */
  get processes(): string {
    return `${this.prefix}processes`;
  }
}
