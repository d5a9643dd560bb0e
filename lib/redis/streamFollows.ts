import type { DebugLogger } from '../broadcast/debugLog';
import type { RunCommand } from './commandDeadline';
import { appendToInbox } from './directMessages';
import type { RedisKeys } from './redisKeys';
import type { RedisConnection, StreamReader } from './streamReader';

/** A stream this process reads, from the id that was newest when it started following it. */
export interface Follow {
  /** The bucket whose reader reads it. */
  readonly bucket: number;
  /** Whether its reader follows it (from the newest id at the start). */
  readonly started: boolean;
  /** Resolves once the reader follows the stream (or following it was given up). */
  readonly whenStarted: Promise<void>;
}

/** A follow as {@link StreamFollows} keeps it. */
interface FollowState extends Follow {
  started: boolean;
  starting: boolean;
  markStarted(): void;
}

/** What a {@link StreamFollows} needs from its bus. */
export interface StreamFollowsOptions {
  /** The commands connection: a follow starts only while it is ready. */
  commands: RedisConnection;
  /** Runs commands on the commands connection. */
  run: RunCommand<RedisConnection>;
  /** One per bucket. */
  readers: readonly StreamReader[];
  keys: RedisKeys;
  processId: string;
  /** Where the followed-stream lines go. */
  debug: DebugLogger;
  /**
   * Where the reader starts on `key` when the stream holds no entry yet: `0-0`, or for a channel's
   * stream on one Redis the bus's current position, so that the feed has an epoch from the start and
   * a Redis that restarts empty before the reader read what was appended meanwhile is noticed
   * (`lostHistory.ts`).
   */
  startOfEmpty(key: string, client: RedisConnection): Promise<string>;
  /** True once the bus is closing: nothing is retried then. */
  isClosed(): boolean;
  onError(error: unknown): void;
}

/** A stream that could not be followed (Redis unreachable, a failover) is tried again after this. */
const FOLLOW_RETRY_MS = 500;

/**
 * The streams this process reads live (channels', the request stream) and the start of each: at
 * the stream's newest id, so its reader hands over exactly what was appended after. Until then its
 * entries reach no connection here; a failed start is retried, and again when the commands
 * connection is (back) up. A start wakes its bucket's reader so the next read includes the stream.
 */
export class StreamFollows {
  readonly #options: StreamFollowsOptions;
  readonly #follows = new Map<string, FollowState>();
  readonly #wakeQueued = new Set<number>();

  /** @param options - the bus's connections, readers and keys. */
  constructor(options: StreamFollowsOptions) {
    this.#options = options;
  }

  /** The follow of `key`, if this process follows it. */
  get(key: string): Follow | undefined {
    return this.#follows.get(key);
  }

  /** Follows `key` (read by bucket `bucket`'s reader) from its newest entry; nothing if already followed. */
  add(key: string, bucket: number): void {
    if (this.#follows.has(key)) return;
    let markStarted!: () => void;
    const whenStarted = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const follow: FollowState = { bucket, started: false, starting: false, whenStarted, markStarted };
    this.#follows.set(key, follow);
    // Before the first connection, connecting starts it; a cluster client can also be between topologies.
    if (this.#options.commands.isReady) void this.#start(key, follow);
    else this.#retry(key, follow);
  }

  /** Stops following `key`; a wait for its start ends (unstarted). */
  remove(key: string, bucket: number): void {
    const follow = this.#follows.get(key);
    this.#follows.delete(key);
    this.#options.readers[bucket].unfollow(key);
    follow?.markStarted();
  }

  /** Starts every follow not yet started (the commands connection is up). */
  readonly startPending = (): void => {
    for (const [key, follow] of this.#follows) if (!follow.started && !follow.starting) void this.#start(key, follow);
  };

  /** Ends every wait for a start (the bus is closing). */
  releaseAll(): void {
    for (const follow of this.#follows.values()) follow.markStarted();
  }

  /** Starts following `key` a moment from now, once the commands connection is ready, unless it is no longer wanted. */
  #retry(key: string, follow: FollowState): void {
    const retry = setTimeout(() => {
      if (this.#options.isClosed() || this.#follows.get(key) !== follow || follow.started || follow.starting) return;
      if (this.#options.commands.isReady) void this.#start(key, follow);
      else this.#retry(key, follow);
    }, FOLLOW_RETRY_MS);
    retry.unref();
  }

  /** Finds the stream's newest id, then has the reader follow it from there and wakes the reader. */
  async #start(key: string, follow: FollowState): Promise<void> {
    follow.starting = true;
    try {
      const start = await this.#options.run(`follow ${key}`, async (client) => {
        const newest = await client.xRevRange(key, '+', '-', { COUNT: 1 });
        return newest?.[0]?.id ?? (await this.#options.startOfEmpty(key, client));
      });
      if (this.#follows.get(key) !== follow) return;
      this.#options.readers[follow.bucket].follow(key, start);
      follow.started = true;
      follow.markStarted();
      if (this.#options.debug.enabled) this.#options.debug('bus %s: following %s', this.#options.processId, key);
      this.#wakeReader(follow.bucket);
    } catch (error) {
      this.#options.onError(error);
      // Until it is followed, the channel's events reach no connection of this process.
      this.#retry(key, follow);
    } finally {
      follow.starting = false;
    }
  }

  /** Ends a bucket reader's blocking read so its next read includes newly followed streams. */
  #wakeReader(bucket: number): void {
    if (this.#wakeQueued.has(bucket)) return;
    this.#wakeQueued.add(bucket);
    queueMicrotask(() => {
      this.#wakeQueued.delete(bucket);
      const { run, keys, processId, onError } = this.#options;
      run('wake reader', (client) => appendToInbox(client, keys, processId, { t: 'wake' }, bucket)).catch(onError);
    });
  }
}
