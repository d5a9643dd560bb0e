import { createClient } from 'redis';
import type {
  Bus,
  BusDelivery,
  BusHandlers,
  BusMessage,
  BusState,
  PublishReceipt,
  RecentEvent,
  ReplayResult,
  StoredEvent,
} from '../broadcast/bus';
import { debugLog } from '../broadcast/debugLog';
import type { ConnectionInfo } from '../broadcast/sseConnection';
import { toError } from '../errors/toError';
import { formatStreamEventId } from '../protocol/eventId';
import { describeValue } from '../validation/describeValue';
import { type ClusterStats, ClusterStatsReporter } from './clusterStats';
import type { RunCommand } from './commandDeadline';
import { CommandGate, type CommandGateState } from './commandGate';
import { appendToInbox, type DirectKind, DirectMessages } from './directMessages';
import { appendAtNextPosition, currentPosition, entriesAfter } from './positionScripts';
import { RedisBusError } from './redisBusError';
import { type RedisBusOptions, type ResolvedRedisBusOptions, resolveRedisBusOptions } from './redisBusOptions';
import { RedisKeys } from './redisKeys';
import { fromStreamEntry, type StreamEntry, toStreamFields } from './streamEntry';
import { type RedisConnection, StreamReader } from './streamReader';

/** The Redis bus's view of its health, shown in `broadcaster.stats().bus` and `_stats`. */
export interface RedisBusState extends BusState, CommandGateState {
  kind: 'redis';
  /** This process's name in Redis. */
  processId: string;
  keyPrefix: string;
  /** The connection for commands (publish, history, stats). */
  commands: 'ready' | 'connecting';
  /** The connection for blocking reads (live delivery). */
  reader: 'ready' | 'connecting';
  /** Channels this process follows (it has connections on them). */
  channels: number;
  /** Times a connection came back after being lost. */
  reconnects: number;
  /** The latest connection or command error, if any. */
  lastError: string | null;
  /** Every live process's counts as last read (every `statsIntervalMs`), or null before the first read. */
  cluster: ClusterStats | null;
}

/** A stream this process reads, from the id that was newest when it started following it. */
interface Follow {
  started: boolean;
  starting: boolean;
  /** Resolves once the reader follows the stream (or following it was given up). */
  whenStarted: Promise<void>;
  markStarted(): void;
}

/** Deliveries of one channel recorded while this process has publishes on it in flight. */
interface InFlight {
  publishes: number;
  delivered: Map<string, number>;
}

/** Deliveries remembered per channel while its publishes wait for their counts. */
const RECENT_DELIVERIES = 1024;

/** Resolves when `promise` settles or `ms` have passed, whichever is first. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/**
 * A {@link Bus} shared by every process connected to one Redis. Each channel is a Redis stream:
 * its entry ids are the positions in SSE ids, `<epoch>-<n>` with `n` from one counter for the
 * whole bus (see `positionScripts.ts`), it is the channel's history (approximate `MAXLEN`, optional age
 * limit), so `Last-Event-ID` replay works on any process, and it is the live feed every process
 * reads with one blocking `XREAD` loop. Per process: one connection for blocking
 * reads, one for commands, whatever the number of clients and channels.
 *
 * When Redis is unreachable, `publish` rejects (at once when the client knows it is offline,
 * else after `commandTimeoutMs`). A Redis that is connected but stalled keeps what was sent to it
 * pending; those commands are capped (`maxPendingCommands`, `maxPendingBytes`), beyond which
 * `publish` rejects at once, and `state().degraded` says so. Connected clients stay open and
 * keep receiving keep-alives; once Redis is back, reading resumes after the last id seen.
 */
export class RedisBus implements Bus {
  readonly #options: ResolvedRedisBusOptions;
  readonly #keys: RedisKeys;
  readonly #commands: RedisConnection;
  readonly #readerClient: RedisConnection;
  readonly #reader: StreamReader;
  readonly #reporter: ClusterStatsReporter;
  readonly #direct: DirectMessages;
  readonly #follows = new Map<string, Follow>();
  readonly #channelOfKey = new Map<string, string>();
  readonly #inFlight = new Map<string, InFlight>();
  /** Channel entries of the read being handed over, delivered together when it ends. */
  #arrived: BusDelivery[] = [];
  readonly #connected: Promise<void>;
  readonly #gate: CommandGate;
  #handlers: BusHandlers | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  #wakeQueued = false;
  #reconnects = 0;
  #lastError: string | null = null;

  /** @param options - where Redis is, key prefix, history limits, timeouts (see {@link RedisBusOptions}). */
  constructor(options: RedisBusOptions = {}) {
    this.#options = resolveRedisBusOptions(options);
    const { processId } = this.#options;
    this.#keys = new RedisKeys(this.#options.keyPrefix);
    this.#gate = new CommandGate(this.#options);
    // No offline queue: while Redis is unreachable a command fails at once instead of piling up.
    const base = { ...this.#options.clientOptions, url: this.#options.url, disableOfflineQueue: true };
    this.#commands = createClient({ ...base, name: `${processId}:commands` });
    this.#readerClient = createClient({ ...base, name: `${processId}:reader` });
    for (const client of [this.#commands, this.#readerClient]) {
      let wasReady = false;
      client.on('error', this.#reportError);
      client.on('ready', () => {
        if (wasReady) this.#reconnects += 1;
        wasReady = true;
      });
    }
    this.#commands.on('ready', this.#startPendingFollows);
    this.#reader = new StreamReader(this.#readerClient, {
      blockMs: this.#options.blockMs,
      readCount: this.#options.readCount,
      onEntry: this.#onEntry,
      onReadEnd: this.#onReadEnd,
      isPositioned: (key) => this.#channelOfKey.has(key),
      onError: this.#reportError,
    });
    this.#reporter = new ClusterStatsReporter(
      this.#run,
      this.#keys,
      processId,
      this.#options.statsIntervalMs,
      this.#reportError,
    );
    this.#direct = new DirectMessages({
      run: this.#run,
      keys: this.#keys,
      processId,
      timeoutMs: this.#options.commandTimeoutMs,
      liveWindowMs: this.#reporter.ttlMs,
      answerLocally: this.#answerLocally,
      announceLocally: (frame) => this.#handlers?.announce(frame),
      onError: this.#reportError,
    });
    this.#reader.follow(this.#keys.inbox(processId), '0-0');
    this.#followStream(this.#keys.direct);
    this.#connected = this.#connect();
    this.#connected.catch(() => undefined);
  }

  /** This process's name in Redis (client names `<processId>:commands` and `<processId>:reader`). */
  get processId(): string {
    return this.#options.processId;
  }

  /** Resolves once both connections are up and `sendTo` requests are being read; rejects if closed first. */
  async ready(): Promise<void> {
    await this.#connected;
    await this.#follows.get(this.#keys.direct)?.whenStarted;
  }

  /** {@inheritDoc Bus.attach} */
  attach(handlers: BusHandlers): void {
    this.#handlers = handlers;
    // The owning broadcaster's counts are what this process reports for cluster stats.
    this.#reporter.setSource(handlers);
  }

  /** Reads every live process's report from Redis now. */
  clusterStats(): Promise<ClusterStats> {
    return this.#reporter.read();
  }

  /**
   * {@link Bus.publish}, here: resolves once Redis has stored the event (and, when this process has connections on the
   * channel, once it has been written to them). Rejects with a {@link RedisBusError} when Redis is
   * unreachable or slower than `commandTimeoutMs`, and with a `TypeError` for a `filter`.
   */
  async publish(message: BusMessage): Promise<PublishReceipt> {
    if (message.filter !== undefined) {
      throw new TypeError(
        `RedisBus cannot send a publish filter (${describeValue(message.filter)}) to other processes (channel ${JSON.stringify(message.channel)}): use exclude, or a channel per audience`,
      );
    }
    const key = this.#keys.stream(message.channel);
    const inFlight = this.#inFlight.get(message.channel) ?? { publishes: 0, delivered: new Map<string, number>() };
    this.#inFlight.set(message.channel, inFlight);
    inFlight.publishes += 1;
    try {
      const id = await this.#run(
        `publish to ${message.channel}`,
        (client) => this.#append(client, key, toStreamFields(message)),
        Buffer.byteLength(message.data),
      );
      const delivered = await this.#deliveredHere(key, id, inFlight);
      return { id: formatStreamEventId(message.channel, id), delivered };
    } finally {
      inFlight.publishes -= 1;
      if (inFlight.publishes === 0) this.#inFlight.delete(message.channel);
    }
  }

  /** {@link Bus.sendTo}, here: answered by the process that holds the connection, within `commandTimeoutMs`. */
  async sendTo(connectionId: string, frame: Buffer): Promise<boolean> {
    return (await this.#direct.request('write', connectionId, frame)) !== undefined;
  }

  /** {@link Bus.disconnect}, here: answered by the process that holds the connection, within `commandTimeoutMs`. */
  async disconnect(connectionId: string, frame: Buffer): Promise<boolean> {
    return (await this.#direct.request('close', connectionId, frame)) !== undefined;
  }

  /** {@link Bus.lookup}, here: answered by the process that holds the connection, within `commandTimeoutMs`. */
  async lookup(connectionId: string): Promise<ConnectionInfo | undefined> {
    const answer = await this.#direct.request('info', connectionId, Buffer.alloc(0));
    return answer === undefined ? undefined : (JSON.parse(answer) as ConnectionInfo);
  }

  /** {@inheritDoc Bus.announce} */
  announce(frame: Buffer): Promise<void> {
    return this.#direct.announce(frame);
  }

  /** {@link Bus.recent}, here: read from the channel's stream; `publishedAt` is each entry's `t`. */
  async recent(channel: string, limit: number): Promise<RecentEvent[]> {
    const entries = await this.#run(`recent of ${channel}`, (client) =>
      client.xRevRange(this.#keys.stream(channel), '+', '-', { COUNT: limit }),
    );
    return (entries ?? []).reverse().map(({ id, message }) => ({
      id: formatStreamEventId(channel, id),
      event: message.e,
      data: message.d ?? '',
      publishedAt: Number(message.t),
    }));
  }

  /** {@inheritDoc Bus.replay} */
  async replay(channel: string, lastEventId: string): Promise<ReplayResult> {
    const key = this.#keys.stream(channel);
    const found = await this.#run(`history of ${channel}`, (client) =>
      entriesAfter(client, this.#keys.position, key, lastEventId, this.#options.idleTtlMs),
    );
    if (found.kind === 'gap') return found;
    const events: StoredEvent[] = found.entries.map((entry) => {
      const { id, frame } = fromStreamEntry(channel, entry);
      return { id, frame };
    });
    const last = events.at(-1);
    // Live delivery of these ids must be done before the replay is handed over, so the
    // connection's de-duplication of held frames sees them.
    if (last) await this.#caughtUp(key, last.id);
    return { kind: 'events', events };
  }

  /** {@inheritDoc Bus.position} */
  position(): Promise<string> {
    return this.#run('read the position', (client) => currentPosition(client, this.#keys.position));
  }

  /** {@link Bus.subscribe}, here: starts reading the channel's stream from its newest entry. */
  subscribe(channel: string): void {
    const key = this.#keys.stream(channel);
    this.#channelOfKey.set(key, channel);
    this.#followStream(key);
  }

  /** {@inheritDoc Bus.unsubscribe} */
  unsubscribe(channel: string): void {
    const key = this.#keys.stream(channel);
    this.#channelOfKey.delete(key);
    const follow = this.#follows.get(key);
    this.#follows.delete(key);
    this.#reader.unfollow(key);
    follow?.markStarted();
  }

  /** {@inheritDoc Bus.state} */
  state(): RedisBusState {
    return {
      kind: 'redis',
      connected: !this.#closed && this.#commands.isReady && this.#readerClient.isReady,
      processId: this.#options.processId,
      keyPrefix: this.#keys.prefix,
      commands: this.#commands.isReady ? 'ready' : 'connecting',
      reader: this.#readerClient.isReady ? 'ready' : 'connecting',
      channels: this.#channelOfKey.size,
      reconnects: this.#reconnects,
      lastError: this.#lastError,
      cluster: this.#reporter.latest ?? null,
      ...this.#gate.state(),
    };
  }

  /** {@link Bus.close}, here: withdraws this process's stats and closes both Redis connections. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #connect(): Promise<void> {
    await Promise.all([this.#commands.connect(), this.#readerClient.connect()]);
    this.#reader.start();
    this.#reporter.start();
  }

  async #shutdown(): Promise<void> {
    this.#reporter.stop();
    if (this.#commands.isReady) await this.#reporter.withdraw().catch(() => undefined);
    this.#closed = true;
    this.#direct.stop();
    this.#reader.stop();
    for (const follow of this.#follows.values()) follow.markStarted();
    for (const client of [this.#commands, this.#readerClient]) if (client.isOpen) client.destroy();
    await this.#reader.finished();
    await this.#connected.catch(() => undefined);
  }

  readonly #run: RunCommand<RedisConnection> = (operation, work, bytes = 0) => {
    if (this.#closed) return Promise.reject(new RedisBusError(`${operation}: the bus is closed`));
    if (!this.#commands.isReady)
      return Promise.reject(new RedisBusError(`${operation}: Redis is unreachable (not connected)`));
    return this.#gate.run(operation, bytes, () => work(this.#commands));
  };

  readonly #answerLocally = (kind: DirectKind, connectionId: string, payload: Buffer): string | undefined => {
    const handlers = this.#handlers;
    if (!handlers) return undefined;
    if (kind === 'info') {
      const info = handlers.describe(connectionId);
      return info === undefined ? undefined : JSON.stringify(info);
    }
    const done = kind === 'write' ? handlers.direct(connectionId, payload) : handlers.close(connectionId, payload);
    return done ? '1' : undefined;
  };

  readonly #reportError = (error: unknown): void => {
    const failure = toError(error);
    this.#lastError = failure.message;
    if (debugLog.enabled) debugLog('bus %s: %s', this.#options.processId, failure.message);
    this.#options.onError?.(failure);
  };

  /** Appends the entry at the next bus position, trims the stream, and refreshes the key's TTL. */
  #append(client: RedisConnection, key: string, fields: Record<string, string>): Promise<string> {
    const { maxAgeMs, maxLength, idleTtlMs } = this.#options;
    const now = Date.now();
    // Each entry carries its time (`t`), for the age limit and `recent`: its id is a position, not a clock.
    const cutoff = maxAgeMs === undefined ? undefined : now - maxAgeMs;
    const timed = { ...fields, t: String(now) };
    return appendAtNextPosition(client, {
      positionKey: this.#keys.position,
      streamKey: key,
      maxLength,
      cutoff,
      ttlMs: idleTtlMs,
      fields: timed,
    });
  }

  /** How many connections of this process the entry `id` was written to (0 if none follow it). */
  async #deliveredHere(key: string, id: string, inFlight: InFlight): Promise<number> {
    if (!this.#follows.get(key)?.started) return 0;
    await this.#reader.passed(key, id, this.#options.commandTimeoutMs);
    const delivered = inFlight.delivered.get(id) ?? 0;
    inFlight.delivered.delete(id);
    return delivered;
  }

  /** Waits (at most `commandTimeoutMs`) until live delivery of `key` has passed `id`. */
  async #caughtUp(key: string, id: string): Promise<void> {
    const follow = this.#follows.get(key);
    if (!follow) return;
    await within(follow.whenStarted, this.#options.commandTimeoutMs);
    await this.#reader.passed(key, id, this.#options.commandTimeoutMs);
  }

  readonly #onEntry = (key: string, entry: StreamEntry): void => {
    if (key === this.#keys.inbox(this.#options.processId)) {
      if (entry.message.t === 'answer') this.#direct.onAnswer(entry);
      return;
    }
    if (key === this.#keys.direct) {
      this.#direct.onRequest(entry);
      return;
    }
    const channel = this.#channelOfKey.get(key);
    if (channel !== undefined) this.#arrived.push(fromStreamEntry(channel, entry));
  };

  /** Delivers the read's channel entries at once (one write per connection) and records their counts. */
  readonly #onReadEnd = (): void => {
    const deliveries = this.#arrived;
    if (deliveries.length === 0) return;
    this.#arrived = [];
    if (!this.#handlers) return;
    const counts = this.#handlers.deliverBatch(deliveries);
    deliveries.forEach(({ channel, id }, index) => {
      const inFlight = this.#inFlight.get(channel);
      if (!inFlight) return;
      inFlight.delivered.set(id, counts[index]);
      if (inFlight.delivered.size > RECENT_DELIVERIES)
        inFlight.delivered.delete(inFlight.delivered.keys().next().value as string);
    });
  };

  #followStream(key: string): void {
    if (this.#follows.has(key)) return;
    let markStarted!: () => void;
    const whenStarted = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const follow: Follow = { started: false, starting: false, whenStarted, markStarted };
    this.#follows.set(key, follow);
    // Before the first connection, the commands connection's `ready` starts it.
    if (this.#commands.isReady) void this.#startFollow(key, follow);
  }

  /** Finds the stream's newest id, then has the reader follow it from there and wakes the reader. */
  async #startFollow(key: string, follow: Follow): Promise<void> {
    follow.starting = true;
    try {
      const newest = await this.#run(`follow ${key}`, (client) => client.xRevRange(key, '+', '-', { COUNT: 1 }));
      if (this.#follows.get(key) !== follow) return;
      this.#reader.follow(key, newest?.[0]?.id ?? '0-0');
      follow.started = true;
      follow.markStarted();
      if (debugLog.enabled) debugLog('bus %s: following %s', this.#options.processId, key);
      this.#wakeReader();
    } catch (error) {
      this.#reportError(error);
    } finally {
      follow.starting = false;
    }
  }

  readonly #startPendingFollows = (): void => {
    for (const [key, follow] of this.#follows)
      if (!follow.started && !follow.starting) void this.#startFollow(key, follow);
  };

  /** Ends the reader's blocking read so its next read includes newly followed streams. */
  #wakeReader(): void {
    if (this.#wakeQueued) return;
    this.#wakeQueued = true;
    queueMicrotask(() => {
      this.#wakeQueued = false;
      const { processId } = this.#options;
      this.#run('wake reader', (client) => appendToInbox(client, this.#keys, processId, { t: 'wake' })).catch(
        this.#reportError,
      );
    });
  }
}
