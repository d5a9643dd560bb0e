import type { createClient } from 'redis';
import { toError } from '../errors/toError';
import { compareEventIds, isPositionAfter, parseEventId } from '../protocol/eventId';
import { entryIdOf } from './entryIds';
import type { StreamEntry } from './streamEntry';

/** A node-redis client as `createClient` makes it. */
export type RedisConnection = ReturnType<typeof createClient>;

/** What a {@link StreamReader} is told. */
export interface StreamReaderOptions {
  /** Longest a blocking read waits before it is reissued (ms). */
  blockMs: number;
  /** Entries read per stream per read, when the reader is caught up (a backlog is read in larger reads). */
  readCount: number;
  /** Each new entry, in order per stream, exactly once per stream position; `previousId` is the id it was read after. */
  onEntry(key: string, entry: StreamEntry, previousId: string): void;
  /**
   * The entries of one read (with those of its follow-up read) have all been handed to `onEntry`:
   * the place to deliver them together. Called before the `passed` waiters of those entries resolve.
   */
  onReadEnd(): void;
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
/** A backlog grows reads up to this many times `readCount` entries per stream ... */
const BACKLOG_READ_FACTOR = 10;
/** ... while a read's payloads (`d`, in characters) stay within this, so a grown read stays small in memory. */
const BACKLOG_READ_CHARS = 512 * 1024;

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
  /** COUNT of the next read: `readCount`, doubled after each read some stream filled (a backlog). */
  #count: number;
  /** Positioned streams with entries read but not yet delivered (`onReadEnd` pending). */
  readonly #undelivered = new Set<string>();
  #stopped = false;
  #interruptPause: (() => void) | undefined;

  /**
   * @param client - a connection used for nothing else (a blocking read occupies it).
   * @param options - read sizes and callbacks.
   */
  constructor(client: RedisConnection, options: StreamReaderOptions) {
    this.#client = client;
    this.#options = options;
    this.#count = options.readCount;
  }

  /**
   * Starts (or moves) reading `key` after `afterId`, an entry id or a position (kept as the entry
   * id `XREAD` takes); takes effect with the next read.
   */
  follow(key: string, afterId: string): void {
    this.#positions.set(key, entryIdOf(afterId) ?? afterId);
  }

  /** The entry id `key` is read after, if it is followed. */
  positionOf(key: string): string | undefined {
    return this.#positions.get(key);
  }

  /**
   * Moves `key` on to `id` (an entry id or a position) without reading what lies between: it is
   * gone (Redis lost its data). Its `passed` waiters for ids up to `id` resolve, as there is
   * nothing left of them to deliver.
   */
  skipTo(key: string, id: string): void {
    if (!this.#positions.has(key)) return;
    this.#positions.set(key, entryIdOf(id) ?? id);
    this.#settle(key, false);
  }

  /** Stops reading `key`. */
  unfollow(key: string): void {
    this.#positions.delete(key);
    this.#settle(key, true);
  }

  /**
   * Resolves true once every entry of `key` up to `id` (an entry id or a position) has been delivered, false when that does
   * not happen within `timeoutMs` (or the stream is not followed).
   */
  passed(key: string, id: string, timeoutMs: number): Promise<boolean> {
    const position = this.#positions.get(key);
    if (position === undefined || this.#stopped) return Promise.resolve(false);
    if (!isPositionAfter(id, position) && !this.#undelivered.has(key)) return Promise.resolve(true);
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
      let failure: unknown;
      try {
        // A blocking read returns as soon as one entry arrives, often alone; a second read, at
        // once, takes what arrived meanwhile, and the entries of both are delivered together.
        if (await this.#read(this.#options.blockMs)) await this.#read(undefined);
      } catch (error) {
        failure = error;
      }
      this.#deliverRead();
      if (failure === undefined) continue;
      if (this.#stopped) return;
      this.#options.onError(toError(failure));
      await this.#pause();
    }
  }

  /** One `XREAD` (blocking for `blockMs`, if given) from every stream's position; true when it returned entries. */
  async #read(blockMs: number | undefined): Promise<boolean> {
    const streams = Array.from(this.#positions, ([key, id]) => ({ key, id }));
    const count = this.#count;
    const reply: { name: string; messages: StreamEntry[] }[] | null = await this.#client.xRead(
      streams,
      blockMs === undefined ? { COUNT: count } : { BLOCK: blockMs, COUNT: count },
    );
    this.#count = reply ? this.#nextCount(reply, count) : this.#options.readCount;
    if (reply) this.#accept(reply, count);
    return reply !== null && reply.length > 0;
  }

  /** Hands the read's entries over (`onReadEnd`), then resolves the waiters they passed. */
  #deliverRead(): void {
    if (this.#undelivered.size === 0) return;
    try {
      this.#options.onReadEnd();
    } catch (error) {
      this.#options.onError(toError(error));
    }
    const keys = [...this.#undelivered];
    this.#undelivered.clear();
    for (const key of keys) this.#settle(key, false);
  }

  /** Larger reads while a stream filled the last one (a backlog), within bounds; `readCount` once caught up. */
  #nextCount(reply: { messages: StreamEntry[] }[], count: number): number {
    let filled = false;
    let chars = 0;
    for (const { messages } of reply) {
      if (messages.length >= count) filled = true;
      for (const entry of messages) chars += entry.message.d?.length ?? 0;
    }
    const { readCount } = this.#options;
    if (!filled || chars > BACKLOG_READ_CHARS) return readCount;
    return chars * 2 <= BACKLOG_READ_CHARS ? Math.min(count * 2, readCount * BACKLOG_READ_FACTOR) : count;
  }

  #accept(reply: { name: string; messages: StreamEntry[] }[], count: number): void {
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
      if (last && messages.length >= count && (horizon === undefined || isPositionAfter(horizon, last.id)))
        horizon = last.id;
    }
    if (positioned.length === 0) return;
    const ordered = positioned
      .map((item) => ({ ...item, position: parseEventId(item.entry.id) }))
      .sort((a, b) => (a.position && b.position ? compareEventIds(a.position, b.position) : 0));
    for (const { key, entry } of ordered) {
      if (horizon !== undefined && isPositionAfter(entry.id, horizon)) break;
      this.#take(key, entry);
      this.#undelivered.add(key);
    }
  }

  /** Hands `entry` on, unless it is not new (unfollowed while the read was out, or re-followed from a later id). */
  #take(key: string, entry: StreamEntry): void {
    const position = this.#positions.get(key);
    if (position === undefined || !isPositionAfter(entry.id, position)) return;
    this.#positions.set(key, entry.id);
    try {
      this.#options.onEntry(key, entry, position);
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
      else if (!isPositionAfter(waiter.id, position)) waiter.resolve(true);
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
