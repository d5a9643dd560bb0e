import type { createClient } from 'redis';
import { toError } from '../errors/toError';
import { compareEventIds, parseEventId } from '../protocol/eventId';
import type { StreamEntry } from './streamEntry';

/** A node-redis client as `createClient` makes it. */
export type RedisConnection = ReturnType<typeof createClient>;

/** What a {@link StreamReader} is told. */
export interface StreamReaderOptions {
  /** Longest a blocking read waits before it is reissued (ms). */
  blockMs: number;
  /** Entries read per stream per read. */
  readCount: number;
  /** Each new entry, in order per stream, exactly once per stream position. */
  onEntry(key: string, entry: StreamEntry): void;
  /**
   * Whether `key` is a channel stream, whose ids are bus-wide positions: entries of all such
   * streams are handed to `onEntry` in position order across streams, not only within each.
   */
  isPositioned(key: string): boolean;
  /** A read failed (the loop waits for the connection and carries on). */
  onError(error: Error): void;
}

interface PassWaiter {
  id: string;
  resolve(passed: boolean): void;
}

const RETRY_DELAY_MS = 500;

/** True when stream id `a` comes after `b`. */
function isAfter(a: string, b: string): boolean {
  const left = parseEventId(a);
  const right = parseEventId(b);
  return left !== undefined && right !== undefined && compareEventIds(left, right) > 0;
}

/**
 * One blocking `XREAD` loop over every followed stream, on one dedicated connection. It remembers
 * the last id it delivered per stream, so after any connection loss it resumes exactly there:
 * nothing that reached Redis (and is still within its stream's length) is skipped or repeated.
 */
export class StreamReader {
  readonly #client: RedisConnection;
  readonly #options: StreamReaderOptions;
  readonly #positions = new Map<string, string>();
  readonly #waiters = new Map<string, Set<PassWaiter>>();
  #loop: Promise<void> | undefined;
  #stopped = false;
  #interruptPause: (() => void) | undefined;

  /**
   * @param client - a connection used for nothing else (a blocking read occupies it).
   * @param options - read sizes and callbacks.
   */
  constructor(client: RedisConnection, options: StreamReaderOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** Starts (or moves) reading `key` after `afterId`; takes effect with the next read. */
  follow(key: string, afterId: string): void {
    this.#positions.set(key, afterId);
  }

  /** Stops reading `key`. */
  unfollow(key: string): void {
    this.#positions.delete(key);
    this.#settle(key, true);
  }

  /**
   * Resolves true once every entry of `key` up to `id` has been delivered, false when that does
   * not happen within `timeoutMs` (or the stream is not followed).
   */
  passed(key: string, id: string, timeoutMs: number): Promise<boolean> {
    const position = this.#positions.get(key);
    if (position === undefined || this.#stopped) return Promise.resolve(false);
    if (!isAfter(id, position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key) ?? new Set<PassWaiter>();
      this.#waiters.set(key, waiters);
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref();
      const waiter: PassWaiter = { id, resolve: (passed) => finish(passed) };
      const finish = (passed: boolean): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        resolve(passed);
      };
      waiters.add(waiter);
    });
  }

  /** Starts the read loop. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the loop; the owner then destroys the connection, which ends a read in flight. */
  stop(): void {
    this.#stopped = true;
    this.#interruptPause?.();
    for (const key of [...this.#waiters.keys()]) this.#settle(key, true);
  }

  /** Resolves when the loop has ended (after {@link stop} and the connection's end). */
  async finished(): Promise<void> {
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#client.isReady) {
        await this.#pause();
        continue;
      }
      const streams = Array.from(this.#positions, ([key, id]) => ({ key, id }));
      let reply: { name: string; messages: StreamEntry[] }[] | null;
      try {
        reply = await this.#client.xRead(streams, { BLOCK: this.#options.blockMs, COUNT: this.#options.readCount });
      } catch (error) {
        if (this.#stopped) return;
        this.#options.onError(toError(error));
        await this.#pause();
        continue;
      }
      if (reply) this.#accept(reply);
    }
  }

  #accept(reply: { name: string; messages: StreamEntry[] }[]): void {
    const positioned: { key: string; entry: StreamEntry }[] = [];
    // One XREAD sees every stream at one instant, so positions in it are complete up to the
    // smallest last id of a stream cut short by COUNT: later entries wait for the next read.
    let horizon: string | undefined;
    for (const { name, messages } of reply) {
      const key = String(name);
      if (!this.#options.isPositioned(key)) {
        for (const entry of messages) this.#take(key, entry);
        this.#settle(key, false);
        continue;
      }
      for (const entry of messages) positioned.push({ key, entry });
      const last = messages.at(-1);
      if (last && messages.length >= this.#options.readCount && (horizon === undefined || isAfter(horizon, last.id)))
        horizon = last.id;
    }
    if (positioned.length === 0) return;
    const ordered = positioned
      .map((item) => ({ ...item, position: parseEventId(item.entry.id) }))
      .sort((a, b) => (a.position && b.position ? compareEventIds(a.position, b.position) : 0));
    const touched = new Set<string>();
    for (const { key, entry } of ordered) {
      if (horizon !== undefined && isAfter(entry.id, horizon)) break;
      this.#take(key, entry);
      touched.add(key);
    }
    for (const key of touched) this.#settle(key, false);
  }

  /** Hands `entry` on, unless it is not new (unfollowed while the read was out, or re-followed from a later id). */
  #take(key: string, entry: StreamEntry): void {
    const position = this.#positions.get(key);
    if (position === undefined || !isAfter(entry.id, position)) return;
    this.#positions.set(key, entry.id);
    try {
      this.#options.onEntry(key, entry);
    } catch (error) {
      this.#options.onError(toError(error));
    }
  }

  /** Resolves the waiters of `key` that are passed (all of them, as not passed, when `all`). */
  #settle(key: string, all: boolean): void {
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    const position = this.#positions.get(key);
    for (const waiter of [...waiters]) {
      if (all || position === undefined) waiter.resolve(false);
      else if (!isAfter(waiter.id, position)) waiter.resolve(true);
    }
  }

  /** Waits for the connection to be ready again, a short delay, or {@link stop}, whichever is first. */
  #pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#client.off('ready', done);
        this.#interruptPause = undefined;
        resolve();
      };
      const timer = setTimeout(done, RETRY_DELAY_MS);
      timer.unref();
      this.#client.on('ready', done);
      this.#interruptPause = done;
    });
  }
}
