import { withDeadline } from '../async/deadline';
import type { Bus, BusState, Inbound } from '../broadcast/bus';
import { debugLog } from '../broadcast/debugLog';
import type {
  BusDelivery,
  BusMessage,
  EventLog,
  PublishReceipt,
  RecentEvent,
  ReplayResult,
  StoredEvent,
} from '../broadcast/eventLog';
import type { DisconnectKind, ProcessMessages } from '../broadcast/processMessages';
import type { ConnectionInfo } from '../broadcast/sseConnection';
import { toError } from '../errors/toError';
import { formatEventId, formatStreamEventId, parseEventId } from '../protocol/eventId';
import { describeValue } from '../validation/describeValue';
import { type ClusterStats, ClusterStatsReporter } from './clusterStats';
import type { RunCommand } from './commandDeadline';
import { CommandGate, type CommandGateState } from './commandGate';
import { appendToInbox, type DirectKind, DirectMessages } from './directMessages';
import { positionOfEntry } from './entryIds';
import { lostHistoryGap } from './lostHistory';
import { appendAtNextPosition, currentPosition, entriesAfter, type PositionSource } from './positionScripts';
import { ReconnectCounter } from './reconnectCounter';
import { RedisBusError } from './redisBusError';
import { type RedisBusOptions, type ResolvedRedisBusOptions, resolveRedisBusOptions } from './redisBusOptions';
import { createRedisConnections } from './redisConnections';
import { RedisKeys } from './redisKeys';
import { fromStreamEntry, type StreamEntry, toStreamFields } from './streamEntry';
import { type RedisConnection, StreamReader } from './streamReader';

/** The Redis bus's view of its health, shown in `broadcaster.stats().bus` and `_stats`. */
export interface RedisBusState extends BusState, CommandGateState {
  kind: 'redis';
  /** This process's name in Redis. */
  processId: string;
  keyPrefix: string;
  /** The connection for commands (publish, history, stats), and with `durability: 'replicated'` the one for publishes: 'ready' when both are. */
  commands: 'ready' | 'connecting';
  /** The connections for blocking reads (live delivery): 'ready' when every bucket's is. */
  reader: 'ready' | 'connecting';
  /** Buckets the channels are spread over: 1 on one Redis, `cluster.buckets` on a cluster. */
  buckets: number;
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
  /** The bucket whose reader reads it. */
  bucket: number;
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
/** A stream that could not be followed (Redis unreachable, a failover) is tried again after this. */
const FOLLOW_RETRY_MS = 500;

/** Resolves when `promise` settles or `ms` have passed, whichever is first. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  const done = (): void => undefined;
  return withDeadline(promise, ms, () => new Error(`not settled within ${ms} ms`)).then(done, done);
}

/**
 * A {@link Bus} shared by every process connected to one Redis or one Redis Cluster. Each channel
 * is a Redis stream: its entry ids, `<epoch>-<n>`, are the positions in SSE ids (in base 62, see
 * `positionScripts.ts` and `entryIds.ts`), it is the channel's history (approximate `MAXLEN`, optional age limit),
 * so `Last-Event-ID` replay works on any process, and it is the live feed every process reads
 * with a blocking `XREAD` loop. Per process, whatever the number of clients and channels: on one
 * Redis two connections (commands, blocking reads); on a cluster one per master for commands and
 * one per bucket for blocking reads; with `durability: 'replicated'`, publishes and their replica
 * waits on connections of their own, so no other command waits for replicas (see `redisConnections.ts`).
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
  readonly #publisher: RedisConnection;
  readonly #readerClients: readonly RedisConnection[];
  readonly #clients: readonly RedisConnection[];
  readonly #readers: readonly StreamReader[];
  readonly #inboxes: ReadonlySet<string>;
  readonly #clustered: boolean;
  readonly #waitForReplicas: (key: string, replicas: number, timeoutMs: number) => Promise<number>;
  readonly #reporter: ClusterStatsReporter;
  readonly #direct: DirectMessages;
  readonly #follows = new Map<string, Follow>();
  readonly #channelOfKey = new Map<string, string>();
  readonly #inFlight = new Map<string, InFlight>();
  /** Per bucket, the channel entries of the read being handed over, delivered together when it ends. */
  readonly #arrived: BusDelivery[][];
  readonly #connected: Promise<void>;
  readonly #gate: CommandGate;
  #inbound: Inbound | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  readonly #wakeQueued = new Set<number>();
  readonly #reconnects: ReconnectCounter;
  #lastError: string | null = null;

  /** @param options - where Redis is, key prefix, history limits, timeouts (see {@link RedisBusOptions}). */
  constructor(options: RedisBusOptions = {}) {
    this.#options = resolveRedisBusOptions(options);
    const { processId } = this.#options;
    const { cluster } = this.#options;
    this.#keys = new RedisKeys(this.#options.keyPrefix, cluster?.buckets ?? 0, cluster?.bucketKey);
    this.#gate = new CommandGate(this.#options);
    const connections = createRedisConnections(this.#options, this.#keys.buckets);
    this.#clustered = connections.clustered;
    this.#commands = connections.commands;
    this.#publisher = connections.publisher;
    this.#readerClients = connections.readers;
    this.#clients = connections.all;
    this.#waitForReplicas = connections.waitForReplicas;
    this.#run = this.#runOn(this.#commands);
    this.#runPublish = this.#runOn(this.#publisher);
    this.#reconnects = new ReconnectCounter(this.#clustered, this.#reportError);
    for (const client of this.#clients) this.#reconnects.watch(client);
    this.#commands.on('ready', this.#startPendingFollows);
    this.#commands.on('ready', this.#noticeLostHistory);
    this.#arrived = this.#readerClients.map(() => []);
    this.#readers = this.#readerClients.map(
      (client, bucket) =>
        new StreamReader(client, {
          blockMs: this.#options.blockMs,
          readCount: this.#options.readCount,
          onEntry: (key, entry, previousId) => this.#onEntry(key, entry, previousId, bucket),
          onReadEnd: () => this.#onReadEnd(bucket),
          isPositioned: (key) => this.#channelOfKey.has(key),
          onError: this.#reportError,
        }),
    );
    this.#inboxes = new Set(this.#readers.map((_, bucket) => this.#keys.inbox(processId, bucket)));
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
      reader: this.#readers[0],
      timeoutMs: this.#options.commandTimeoutMs,
      liveWindowMs: this.#reporter.ttlMs,
      answerLocally: this.#answerLocally,
      announceLocally: (frame) => this.#inbound?.message({ kind: 'notice', frame }),
      onError: this.#reportError,
    });
    this.#readers.forEach((reader, bucket) => {
      reader.follow(this.#keys.inbox(processId, bucket), '0-0');
    });
    this.#followStream(this.#keys.direct, 0);
    this.log = {
      // Each bucket of a cluster is read apart: channels of different buckets arrive in no common order.
      ordered: this.#keys.buckets <= 1,
      append: (message) => this.#publish(message),
      read: (channel, after) => this.#replay(channel, after),
      recent: (channel, limit) => this.#recent(channel, limit),
      position: () => this.#position(),
      follow: (channel) => this.#subscribe(channel),
      unfollow: (channel) => this.#unsubscribe(channel),
    };
    this.#connected = this.#connect();
    this.#connected.catch(() => undefined);
  }

  /** This process's name in Redis (client names `<processId>:commands`, `<processId>:reader[:<bucket>]`, `<processId>:publisher`). */
  get processId(): string {
    return this.#options.processId;
  }

  /** Resolves once both connections are up and `sendTo` requests are being read; rejects if closed first. */
  async ready(): Promise<void> {
    await this.#connected;
    await this.#follows.get(this.#keys.direct)?.whenStarted;
  }

  /** {@inheritDoc Bus.log} */
  readonly log: EventLog;

  /** {@inheritDoc Bus.messages} */
  readonly messages: ProcessMessages = {
    sendTo: (connectionId, frame) => this.#sendTo(connectionId, frame),
    disconnect: (connectionId, frame, kind) => this.#disconnect(connectionId, frame, kind),
    lookup: (connectionId) => this.#lookup(connectionId),
    announce: (frame) => this.#direct.announce(frame),
  };

  /** {@inheritDoc Bus.attach} */
  attach(inbound: Inbound): void {
    this.#inbound = inbound;
    // The owning broadcaster's counts are what this process reports for cluster stats.
    this.#reporter.setSource({ stats: () => inbound.message({ kind: 'count' }) });
  }

  /** Reads every live process's report from Redis now. */
  clusterStats(): Promise<ClusterStats> {
    return this.#reporter.read();
  }

  /**
   * {@link EventLog.append}, here: resolves once Redis has stored the event (with `durability: 'replicated'`, once
   * `replicas` replicas have it too) and, when this process has connections on the channel, once
   * it has been written to them. Rejects with a {@link RedisBusError} when Redis is unreachable,
   * slower than `commandTimeoutMs` or short of replicas, and with a `TypeError` for a `filter`.
   */
  async #publish(message: BusMessage): Promise<PublishReceipt> {
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
      const id = await this.#runPublish(
        `publish to ${message.channel}`,
        (client) => this.#append(client, message.channel, toStreamFields(message)),
        Buffer.byteLength(message.data),
      );
      const delivered = await this.#deliveredHere(key, id, inFlight);
      return { id: formatStreamEventId(message.channel, id), delivered };
    } finally {
      inFlight.publishes -= 1;
      if (inFlight.publishes === 0) this.#inFlight.delete(message.channel);
    }
  }

  /** {@link ProcessMessages.sendTo}, here: answered by the process that holds the connection, within `commandTimeoutMs`. */
  async #sendTo(connectionId: string, frame: Buffer): Promise<boolean> {
    return (await this.#direct.request('write', connectionId, frame)) !== undefined;
  }

  /** {@link ProcessMessages.disconnect}, here: answered by the holder within `commandTimeoutMs`; replacements in request-stream order (`pendingReplacements.ts`), no clock. */
  async #disconnect(connectionId: string, frame: Buffer, kind: DisconnectKind = 'close'): Promise<boolean> {
    return (await this.#direct.request(kind, connectionId, frame)) !== undefined;
  }

  /** {@link ProcessMessages.lookup}, here: answered by the process that holds the connection, within `commandTimeoutMs`. */
  async #lookup(connectionId: string): Promise<ConnectionInfo | undefined> {
    const answer = await this.#direct.request('info', connectionId, Buffer.alloc(0));
    return answer === undefined ? undefined : (JSON.parse(answer) as ConnectionInfo);
  }

  announce(frame: Buffer): Promise<void> {
    return this.#direct.announce(frame);
  }

  /** {@link EventLog.recent}, here: read from the channel's stream; `publishedAt` is each entry's `t`. */
  async #recent(channel: string, limit: number): Promise<RecentEvent[]> {
    const entries = await this.#run(`recent of ${channel}`, (client) =>
      client.xRevRange(this.#keys.stream(channel), '+', '-', { COUNT: limit }),
    );
    return (entries ?? []).reverse().map(({ id, message }) => ({
      id: formatStreamEventId(channel, positionOfEntry(id)),
      event: message.e,
      data: message.d ?? '',
      publishedAt: Number(message.t),
    }));
  }

  /** {@link EventLog.read}, here. */
  async #replay(channel: string, lastEventId: string): Promise<ReplayResult> {
    const key = this.#keys.stream(channel);
    // Read history only once live delivery follows the stream: an event appended between this read
    // and a later start of the follow would be neither replayed nor delivered live. A follow that
    // has not started within commandTimeoutMs leaves that window open, so the answer is a gap.
    const follow = this.#follows.get(key);
    if (follow && !follow.started) {
      await within(follow.whenStarted, this.#options.commandTimeoutMs);
      if (!follow.started) return { kind: 'gap', latestId: undefined };
    }
    const found = await this.#run(`history of ${channel}`, (client) =>
      entriesAfter(client, this.#positionOf(this.#keys.bucketOf(channel)), key, lastEventId, this.#options.idleTtlMs),
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

  /**
   * {@link EventLog.position}, here: on one Redis the bus-wide counter; on a cluster the clock of bucket 0's master, which
   * every bucket's next position is at or after.
   */
  #position(): Promise<string> {
    return this.#run('read the position', (client) => currentPosition(client, this.#positionOf(0)));
  }

  /** {@link EventLog.follow}, here: starts reading the channel's stream from its newest entry. */
  #subscribe(channel: string): void {
    const key = this.#keys.stream(channel);
    this.#channelOfKey.set(key, channel);
    this.#followStream(key, this.#keys.bucketOf(channel));
  }

  /** {@link EventLog.unfollow}, here. */
  #unsubscribe(channel: string): void {
    const key = this.#keys.stream(channel);
    this.#channelOfKey.delete(key);
    const follow = this.#follows.get(key);
    this.#follows.delete(key);
    this.#readers[this.#keys.bucketOf(channel)].unfollow(key);
    follow?.markStarted();
  }

  /** {@inheritDoc Bus.state} */
  state(): RedisBusState {
    return {
      kind: 'redis',
      connected: !this.#closed && this.#commandsReady() && this.#readersReady(),
      processId: this.#options.processId,
      keyPrefix: this.#keys.prefix,
      commands: this.#commandsReady() ? 'ready' : 'connecting',
      reader: this.#readersReady() ? 'ready' : 'connecting',
      buckets: this.#keys.buckets,
      channels: this.#channelOfKey.size,
      reconnects: this.#reconnects.count,
      lastError: this.#lastError,
      cluster: this.#reporter.latest ?? null,
      ...this.#gate.state(),
    };
  }

  /** {@link Bus.close}, here: withdraws this process's stats and closes every Redis connection. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #connect(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.connect()));
    for (const reader of this.#readers) reader.start();
    this.#reporter.start();
    // A cluster client says nothing when it is ready: start what waited for the first connection here.
    this.#startPendingFollows();
  }

  #commandsReady(): boolean {
    return this.#commands.isReady && this.#publisher.isReady;
  }

  #readersReady(): boolean {
    return this.#readerClients.every((client) => client.isReady);
  }

  /** Where the positions of a bucket's events come from. */
  #positionOf(bucket: number): PositionSource {
    return { key: this.#keys.position(bucket), clocked: this.#clustered };
  }

  async #shutdown(): Promise<void> {
    this.#reporter.stop();
    if (this.#commands.isReady) await this.#reporter.withdraw().catch(() => undefined);
    this.#closed = true;
    this.#direct.stop();
    for (const reader of this.#readers) reader.stop();
    for (const follow of this.#follows.values()) follow.markStarted();
    for (const client of this.#clients) if (client.isOpen) client.destroy();
    await Promise.all(this.#readers.map((reader) => reader.finished()));
    await this.#connected.catch(() => undefined);
  }

  /** Commands on the commands connection, and publishes on the publisher's (the same one unless 'replicated'). */
  readonly #run: RunCommand<RedisConnection>;
  readonly #runPublish: RunCommand<RedisConnection>;

  /** Runs commands on `client` through the bus's one gate (its caps count every connection's commands). */
  #runOn(client: RedisConnection): RunCommand<RedisConnection> {
    return (operation, work, bytes = 0) => {
      if (this.#closed) return Promise.reject(new RedisBusError(`${operation}: the bus is closed`));
      if (!client.isReady)
        return Promise.reject(new RedisBusError(`${operation}: Redis is unreachable (not connected)`));
      return this.#gate.run(operation, bytes, () => work(client));
    };
  }

  readonly #answerLocally = (kind: DirectKind, connectionId: string, payload: Buffer): string | undefined => {
    const inbound = this.#inbound;
    if (!inbound) return undefined;
    if (kind === 'info') {
      const info = inbound.message({ kind: 'describe', connectionId });
      return info === undefined ? undefined : JSON.stringify(info);
    }
    const done = inbound.message({ kind: kind === 'write' ? 'write' : 'close', connectionId, frame: payload });
    return done ? '1' : undefined;
  };

  readonly #reportError = (error: unknown): void => {
    const failure = toError(error);
    this.#lastError = failure.message;
    if (debugLog.enabled) debugLog('bus %s: %s', this.#options.processId, failure.message);
    this.#options.onError?.(failure);
  };

  /**
   * Appends the entry at the next position of the channel's bucket, trims the stream, refreshes the
   * key's TTL and, with `durability: 'replicated'`, waits for the replicas.
   */
  async #append(client: RedisConnection, channel: string, fields: Record<string, string>): Promise<string> {
    const { maxAgeMs, maxLength, idleTtlMs, durability, replicas, commandTimeoutMs } = this.#options;
    const now = Date.now();
    // Each entry carries its time (`t`), for the age limit and `recent`: its id is a position, not a clock.
    const cutoff = maxAgeMs === undefined ? undefined : now - maxAgeMs;
    const timed = { ...fields, t: String(now) };
    const streamKey = this.#keys.stream(channel);
    const id = await appendAtNextPosition(client, {
      position: this.#positionOf(this.#keys.bucketOf(channel)),
      streamKey,
      maxLength,
      cutoff,
      ttlMs: idleTtlMs,
      fields: timed,
    });
    if (durability === 'replicated') {
      const acknowledged = await this.#waitForReplicas(streamKey, replicas, commandTimeoutMs);
      if (acknowledged < replicas)
        throw new RedisBusError(
          `publish to ${channel}: stored as ${id} but acknowledged by ${acknowledged} of ${replicas} replicas within ${commandTimeoutMs} ms (it may still be delivered)`,
        );
    }
    return id;
  }

  /** How many connections of this process the entry `id` was written to (0 if none follow it). */
  async #deliveredHere(key: string, id: string, inFlight: InFlight): Promise<number> {
    const follow = this.#follows.get(key);
    if (!follow?.started) return 0;
    await this.#readers[follow.bucket].passed(key, id, this.#options.commandTimeoutMs);
    const delivered = inFlight.delivered.get(id) ?? 0;
    inFlight.delivered.delete(id);
    return delivered;
  }

  /** Waits (at most `commandTimeoutMs`) until live delivery of `key` has passed `id`. */
  async #caughtUp(key: string, id: string): Promise<void> {
    const follow = this.#follows.get(key);
    if (!follow) return;
    await within(follow.whenStarted, this.#options.commandTimeoutMs);
    await this.#readers[follow.bucket].passed(key, id, this.#options.commandTimeoutMs);
  }

  #onEntry(key: string, entry: StreamEntry, previousId: string, bucket: number): void {
    if (this.#inboxes.has(key)) {
      if (entry.message.t === 'answer') this.#direct.onAnswer(entry);
      return;
    }
    if (key === this.#keys.direct) {
      this.#direct.onRequest(entry);
      return;
    }
    const channel = this.#channelOfKey.get(key);
    if (channel === undefined) return;
    // Redis lost its data since the previous entry: what it stored after that may never be read.
    const gap = lostHistoryGap(channel, previousId, entry.id);
    if (gap) this.#arrived[bucket].push(gap);
    this.#arrived[bucket].push(fromStreamEntry(channel, entry));
  }

  /** Delivers a bucket read's channel entries at once (one write per connection) and records their counts. */
  #onReadEnd(bucket: number): void {
    const deliveries = this.#arrived[bucket];
    if (deliveries.length === 0) return;
    this.#arrived[bucket] = [];
    if (!this.#inbound) return;
    const counts = this.#inbound.events(deliveries);
    deliveries.forEach(({ channel, id }, index) => {
      const inFlight = this.#inFlight.get(channel);
      if (!inFlight) return;
      inFlight.delivered.set(id, counts[index]);
      if (inFlight.delivered.size > RECENT_DELIVERIES)
        inFlight.delivered.delete(inFlight.delivered.keys().next().value as string);
    });
  }

  #followStream(key: string, bucket: number): void {
    if (this.#follows.has(key)) return;
    let markStarted!: () => void;
    const whenStarted = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const follow: Follow = { bucket, started: false, starting: false, whenStarted, markStarted };
    this.#follows.set(key, follow);
    // Before the first connection, connecting starts it; a cluster client can also be between topologies.
    if (this.#commands.isReady) void this.#startFollow(key, follow);
    else this.#retryFollow(key, follow);
  }

  /** Starts following `key` a moment from now, once the commands connection is ready, unless it is no longer wanted. */
  #retryFollow(key: string, follow: Follow): void {
    const retry = setTimeout(() => {
      if (this.#closed || this.#follows.get(key) !== follow || follow.started || follow.starting) return;
      if (this.#commands.isReady) void this.#startFollow(key, follow);
      else this.#retryFollow(key, follow);
    }, FOLLOW_RETRY_MS);
    retry.unref();
  }

  /** Finds the stream's newest id, then has the reader follow it from there and wakes the reader. */
  async #startFollow(key: string, follow: Follow): Promise<void> {
    follow.starting = true;
    try {
      const newest = await this.#run(`follow ${key}`, (client) => client.xRevRange(key, '+', '-', { COUNT: 1 }));
      if (this.#follows.get(key) !== follow) return;
      this.#readers[follow.bucket].follow(key, newest?.[0]?.id ?? '0-0');
      follow.started = true;
      follow.markStarted();
      if (debugLog.enabled) debugLog('bus %s: following %s', this.#options.processId, key);
      this.#wakeReader(follow.bucket);
    } catch (error) {
      this.#reportError(error);
      // Until it is followed, the channel's events reach no connection of this process.
      this.#retryFollow(key, follow);
    } finally {
      follow.starting = false;
    }
  }

  readonly #startPendingFollows = (): void => {
    for (const [key, follow] of this.#follows)
      if (!follow.started && !follow.starting) void this.#startFollow(key, follow);
  };

  /**
   * Once the command connection is (back) up on one Redis: if Redis lost its data meanwhile (its
   * position counter has a new epoch), the followed channels' streams get their gap event now and
   * their live feed goes on from the new epoch's start. Without this the gap waits for a channel's
   * next event, which a publish waiting for the delivery of its lost entry holds back for
   * `commandTimeoutMs`. (Positions on a cluster are clocked, of epoch 0: they never change epoch.)
   */
  readonly #noticeLostHistory = (): void => {
    if (this.#clustered || this.#channelOfKey.size === 0) return;
    this.#run('read the position', (client) => currentPosition(client, this.#positionOf(0))).then((position) => {
      const epoch = parseEventId(position)?.epoch;
      if (epoch === undefined) return;
      const reader = this.#readers[0];
      const gaps: BusDelivery[] = [];
      for (const [key, channel] of this.#channelOfKey) {
        const previousId = reader.positionOf(key);
        const gap = previousId === undefined ? undefined : lostHistoryGap(channel, previousId, formatEventId(epoch, 0));
        if (!gap) continue;
        reader.skipTo(key, gap.id);
        gaps.push(gap);
      }
      if (gaps.length > 0) this.#inbound?.events(gaps);
    }, this.#reportError);
  };

  /** Ends a bucket reader's blocking read so its next read includes newly followed streams. */
  #wakeReader(bucket: number): void {
    if (this.#wakeQueued.has(bucket)) return;
    this.#wakeQueued.add(bucket);
    queueMicrotask(() => {
      this.#wakeQueued.delete(bucket);
      const { processId } = this.#options;
      this.#run('wake reader', (client) => appendToInbox(client, this.#keys, processId, { t: 'wake' }, bucket)).catch(
        this.#reportError,
      );
    });
  }
}
