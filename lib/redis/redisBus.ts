import type { Bus, BusState, Inbound } from '../broadcast/bus';
import type { EventLog } from '../broadcast/eventLog';
import type { PresenceStore } from '../broadcast/presenceStore';
import type { ProcessMessages } from '../broadcast/processMessages';
import { toError } from '../errors/toError';
import { type ClusterStats, ClusterStatsReporter } from './clusterStats';
import type { RunCommand } from './commandDeadline';
import { CommandGate, type CommandGateState } from './commandGate';
import { currentPosition } from './positionScripts';
import { ReconnectCounter } from './reconnectCounter';
import { RedisBusError } from './redisBusError';
import { type RedisBusOptions, type ResolvedRedisBusOptions, resolveRedisBusOptions } from './redisBusOptions';
import { createRedisConnections } from './redisConnections';
import { RedisKeys } from './redisKeys';
import { RedisLog } from './redisLog';
import { RedisMessages } from './redisMessages';
import { RedisPresence } from './redisPresence';
import { StreamFollows } from './streamFollows';
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

/**
 * A {@link Bus} shared by every process connected to one Redis or one Redis Cluster. Each channel
 * is a Redis stream: its entry ids, `<epoch>-<n>`, are the positions in SSE ids (in base 62, see
 * `positionScripts.ts` and `entryIds.ts`), it is the channel's history (`MAXLEN`, optional age limit, the latest event per key),
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
 *
 * The bus opens the connections and wires its parts: `redisLog.ts` (with the log's guarantees on
 * Redis), `redisMessages.ts`, `streamFollows.ts`.
 */
export class RedisBus implements Bus {
  readonly #options: ResolvedRedisBusOptions;
  readonly #keys: RedisKeys;
  readonly #commands: RedisConnection;
  readonly #publisher: RedisConnection;
  readonly #readerClients: readonly RedisConnection[];
  readonly #clients: readonly RedisConnection[];
  readonly #readers: readonly StreamReader[];
  readonly #follows: StreamFollows;
  readonly #log: RedisLog;
  readonly #messages: RedisMessages;
  readonly #reporter: ClusterStatsReporter;
  readonly #connected: Promise<void>;
  readonly #gate: CommandGate;
  readonly #reconnects: ReconnectCounter;
  /** Commands on the commands connection. */
  readonly #run: RunCommand<RedisConnection>;
  #closing: Promise<void> | undefined;
  #closed = false;
  #lastError: string | null = null;

  /** {@inheritDoc Bus.log} @internal */
  readonly log: EventLog;

  /** {@inheritDoc Bus.messages} @internal */
  readonly messages: ProcessMessages;

  /** {@inheritDoc Bus.presence} @internal */
  readonly presence: PresenceStore;

  /** @param options - where Redis is, key prefix, history limits, timeouts (see {@link RedisBusOptions}). */
  constructor(options: RedisBusOptions = {}) {
    this.#options = resolveRedisBusOptions(options);
    const { processId, cluster, commandTimeoutMs } = this.#options;
    this.#keys = new RedisKeys(this.#options.keyPrefix, cluster?.buckets ?? 0, cluster?.bucketKey);
    this.#gate = new CommandGate(this.#options);
    const connections = createRedisConnections(this.#options, this.#keys.buckets);
    this.#commands = connections.commands;
    this.#publisher = connections.publisher;
    this.#readerClients = connections.readers;
    this.#clients = connections.all;
    this.#run = this.#runOn(this.#commands);
    this.#reconnects = new ReconnectCounter(connections.clustered, this.#reportError);
    for (const client of this.#clients) this.#reconnects.watch(client);
    this.#readers = this.#readerClients.map(
      (client, bucket) =>
        new StreamReader(client, {
          blockMs: this.#options.blockMs,
          readCount: this.#options.readCount,
          onEntry: (key, entry, previousId) => {
            if (!this.#messages.onEntry(key, entry)) this.#log.onEntry(key, entry, previousId, bucket);
          },
          onReadEnd: () => this.#log.onReadEnd(bucket),
          isPositioned: (key) => this.#log.isChannelStream(key),
          onError: this.#reportError,
        }),
    );
    this.#follows = new StreamFollows({
      commands: this.#commands,
      run: this.#run,
      readers: this.#readers,
      keys: this.#keys,
      processId,
      debug: this.#options.debug,
      startOfEmpty: async (key, client) =>
        connections.clustered || !this.#log.isChannelStream(key)
          ? '0-0'
          : currentPosition(client, { key: this.#keys.position(0), clocked: false }),
      isClosed: () => this.#closed,
      onError: this.#reportError,
    });
    this.#log = new RedisLog({
      ...this.#options,
      keys: this.#keys,
      clustered: connections.clustered,
      waitForReplicas: connections.waitForReplicas,
      run: this.#run,
      runPublish: this.#runOn(this.#publisher),
      readers: this.#readers,
      follows: this.#follows,
      onError: this.#reportError,
    });
    this.#commands.on('ready', this.#follows.startPending);
    this.#commands.on('ready', this.#log.noticeLostHistory);
    this.#reporter = new ClusterStatsReporter(
      this.#run,
      this.#keys,
      processId,
      this.#options.statsIntervalMs,
      this.#reportError,
    );
    this.#messages = new RedisMessages({
      run: this.#run,
      keys: this.#keys,
      processId,
      reader: this.#readers[0],
      buckets: this.#readers.length,
      timeoutMs: commandTimeoutMs,
      liveWindowMs: this.#reporter.ttlMs,
      onError: this.#reportError,
    });
    this.log = this.#log;
    this.messages = this.#messages;
    this.presence = new RedisPresence({
      run: this.#run,
      keys: this.#keys,
      processId,
      liveWindowMs: this.#reporter.ttlMs,
      tell: (channel) => this.#messages.tellPresence(channel),
    });
    // Each reader reads an inbox of this process: answers come to bucket 0's, a wake-up to the reader's own.
    this.#readers.forEach((reader, bucket) => {
      reader.follow(this.#keys.inbox(processId, bucket), '0-0');
    });
    this.#follows.add(this.#keys.direct, 0);
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

  /** {@inheritDoc Bus.attach} @internal */
  attach(inbound: Inbound): void {
    this.#log.attach(inbound);
    this.#messages.attach(inbound);
    // The owning broadcaster's counts are what this process reports for cluster stats.
    this.#reporter.setSource({ stats: () => inbound.message({ kind: 'count' }) });
  }

  /** Reads every live process's report from Redis now. */
  clusterStats(): Promise<ClusterStats> {
    return this.#reporter.read();
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
      channels: this.#log.channels,
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
    this.#follows.startPending();
  }

  #commandsReady(): boolean {
    return this.#commands.isReady && this.#publisher.isReady;
  }

  #readersReady(): boolean {
    return this.#readerClients.every((client) => client.isReady);
  }

  async #shutdown(): Promise<void> {
    this.#reporter.stop();
    if (this.#commands.isReady) await this.#reporter.withdraw().catch(() => undefined);
    this.#closed = true;
    this.#messages.stop();
    for (const reader of this.#readers) reader.stop();
    this.#follows.releaseAll();
    for (const client of this.#clients) if (client.isOpen) client.destroy();
    await Promise.all(this.#readers.map((reader) => reader.finished()));
    await this.#connected.catch(() => undefined);
  }

  /** Runs commands on `client` through the bus's one gate (its caps count every connection's commands). */
  #runOn(client: RedisConnection): RunCommand<RedisConnection> {
    return (operation, work, bytes = 0) => {
      if (this.#closed) return Promise.reject(new RedisBusError(`${operation}: the bus is closed`));
      if (!client.isReady)
        return Promise.reject(new RedisBusError(`${operation}: Redis is unreachable (not connected)`));
      return this.#gate.run(operation, bytes, () => work(client));
    };
  }

  readonly #reportError = (error: unknown): void => {
    const failure = toError(error);
    this.#lastError = failure.message;
    if (this.#options.debug.enabled) this.#options.debug('bus %s: %s', this.#options.processId, failure.message);
    this.#options.onError?.(failure);
  };
}
