import { EventEmitter } from 'node:events';
import { toError } from '../errors/toError';
import { cursorPosition, formatEventId } from '../protocol/eventId';
import { assertSingleLineField } from '../protocol/fieldValidation';
import { CLOSE_EVENT, type CloseEventData, CONNECTION_EVENT, NOTICE_EVENT } from '../protocol/protocolEvents';
import { type EventData, serializeData } from '../protocol/serializeData';
import { encodeEvent } from '../protocol/wireFormat';
import { describeValue } from '../validation/describeValue';
import { OptionReader } from '../validation/optionReader';
import { deliverBatch } from './batchDelivery';
import type { Bus, Inbound } from './bus';
import { assertChannelName } from './channelName';
import { assertConnectionId, newConnectionId } from './connectionId';
import { ConnectionRegistry, type RegistryStats } from './connectionRegistry';
import { debugLog } from './debugLog';
import { type EventHistoryOptions, resolveHistoryLimits } from './eventHistory';
import type { BusDelivery, ConnectionView, PublishReceipt, RecentEvent, ReplayResult } from './eventLog';
import { assertEventSize, DEFAULT_MAX_EVENT_BYTES } from './eventSize';
import { type CloseReason, DEFAULT_MAX_BUFFERED_BYTES, type EventStreamTarget } from './eventStreamWriter';
import { MemoryBus } from './memoryBus';
import type { ProcessAnswers, ProcessMessage } from './processMessages';
import { type PublishHook, PublishHooks } from './publishHooks';
import { forEachRecipient } from './recipients';
import { type ConnectionInfo, SseConnection } from './sseConnection';
import { streamChannels } from './streamChannels';
import { startStream } from './streamReplay';

/** Options of {@link createBroadcaster}. */
export interface BroadcasterOptions {
  /** Where events go and history lives. Default: a {@link MemoryBus} with `history`. */
  bus?: Bus;
  /** History limits for the default in-memory bus (size default 1000 per channel). */
  history?: EventHistoryOptions;
  /** Bytes buffered for one slow client before it is evicted. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Largest event `publish` accepts, in bytes of its encoded `event:` and `data:` lines; a larger
   * one is refused with a `RangeError`. At most `maxBufferedBytes`. Default 512 KiB (or half of
   * `maxBufferedBytes` when smaller), so any event can reach a client that reads.
   */
  maxEventBytes?: number;
}

/** An event to publish. */
export interface PublishMessage {
  /** Event type (default: the client's `message` event). No CR, LF or NUL. */
  event?: string;
  /** Payload: text or JSX (also a promise of it), number, boolean or JSON-able object. */
  data: EventData;
}

/** Who, among a channel's connections, receives an event. */
export interface PublishOptions<M> {
  /**
   * Connection id(s) that must not receive it (e.g. the one whose action caused it). An entry
   * `<connection id>/<tab id>` (what `requestConnectionIds` reads for a browser's shared stream)
   * leaves out only that tab: the stream still gets the event, marked for its hub to skip the tab.
   */
  exclude?: string | readonly string[];
  /** Receives only connections for which this returns true (this process only; see `Bus`). */
  filter?: (connection: ConnectionView<M>) => boolean;
}

/** Options of {@link Broadcaster.connect}. */
export interface ConnectOptions<M> {
  /** Channel to listen to. Give this or `channels`. */
  channel?: string;
  /** Several channels on one stream (repeats are ignored). Give this or `channel`. */
  channels?: readonly string[];
  /**
   * The connection's id (e.g. the user's session plus a tab id), checked by `assertConnectionId`.
   * Default: a random UUID. A stream already open with this id is replaced: it gets a close event
   * `{ reconnect: false, reason: 'replaced' }` and ends, in this process and, on a shared bus, in
   * every other one.
   */
  id?: string;
  /** App data kept with the connection (visible in stats and filters). */
  metadata: M;
  /**
   * Cursor from `Last-Event-ID` (a position or a `<channel>/<position>` id): each channel's events
   * after it are replayed first, or that channel gets a gap event. Without it the stream starts at
   * the bus's current position.
   */
  lastEventId?: string;
  /**
   * Called once when this stream ends, for any reason, after it left the registry (and after the
   * `disconnect` event). It is given the connection because it may run during `connect` itself,
   * before `connect` has returned it (a replay that overflows the client evicts it at once).
   */
  onClose?: (connection: SseConnection<M>, reason: CloseReason) => void;
}

/** Options of {@link Broadcaster.close}. */
export interface BroadcasterCloseOptions {
  /** Whether clients should come back: default true for `close` (a restart), false for `closeChannel` (finished). */
  reconnect?: boolean;
  /** Suggested wait before reconnecting, in ms. */
  after?: number;
  /** Free text for logs. */
  reason?: string;
}

/** A publish as it resolves: the bus's receipt, or `dropped` when a publish hook dropped it (then `id` is ''). */
export interface PublishResult extends PublishReceipt {
  /** True when a publish hook returned null: nothing was stored or sent. */
  dropped: boolean;
}

/** Broadcaster statistics: the registry's counts plus the bus's state. */
export interface BroadcasterStats extends RegistryStats {
  /** Events published through this broadcaster. */
  published: number;
  /** The bus's own view of its health. */
  bus: ReturnType<Bus['state']>;
}

/** A published event, as reported by the `publish` event. */
export interface PublishedEvent extends PublishReceipt {
  channel: string;
  event: string | undefined;
}

/** The events a broadcaster emits, typed. */
export interface BroadcasterEvents<M> {
  connect: [connection: ConnectionInfo<M>];
  disconnect: [connection: ConnectionInfo<M>, reason: CloseReason];
  publish: [event: PublishedEvent];
  /** A reconnecting stream's `Last-Event-ID` was answered: with the missed events and, per channel out of history, a gap event. */
  replay: [connection: ConnectionInfo<M>, outcome: ReplayOutcome];
}

/** How a `Last-Event-ID` was answered, as reported by the `replay` event. */
export interface ReplayOutcome {
  /** Events sent from history. */
  replayed: number;
  /** Channels of the stream that got a gap event instead. */
  gaps: number;
}

/** The close event for `options` (of `channel` alone, on a stream of several), encoded once for every stream it ends. */
function encodeCloseFrame(options: BroadcasterCloseOptions, defaultReconnect: boolean, channel?: string): Buffer {
  const data: CloseEventData = { reconnect: options.reconnect ?? defaultReconnect };
  if (options.after !== undefined) data.after = options.after;
  if (options.reason !== undefined) data.reason = options.reason;
  if (channel !== undefined) data.channel = channel;
  return encodeEvent({ event: CLOSE_EVENT, data: JSON.stringify(data) });
}

/**
 * Channels of event streams in one process, with delivery and history behind a {@link Bus}.
 * Each event is serialized and encoded once; the same Buffer goes to every recipient.
 */
export class Broadcaster<M = unknown> extends EventEmitter<BroadcasterEvents<M>> {
  readonly #bus: Bus;
  readonly #registry = new ConnectionRegistry<M>();
  readonly #hooks = new PublishHooks();
  readonly #maxBufferedBytes: number;
  readonly #maxEventBytes: number;
  #published = 0;
  #closed = false;

  /** Use {@link createBroadcaster}. */
  constructor(options: BroadcasterOptions = {}) {
    super();
    const read = new OptionReader<BroadcasterOptions>('createBroadcaster', options);
    this.#maxBufferedBytes = read.integer('maxBufferedBytes', DEFAULT_MAX_BUFFERED_BYTES, { min: 1 });
    this.#maxEventBytes = read.integer(
      'maxEventBytes',
      Math.max(1, Math.min(DEFAULT_MAX_EVENT_BYTES, Math.floor(this.#maxBufferedBytes / 2))),
      { min: 1, max: this.#maxBufferedBytes },
    );
    const history = resolveHistoryLimits('createBroadcaster', read.raw('history'));
    this.#bus = read.raw('bus') ?? new MemoryBus(history);
    this.#bus.attach(this.#inbound);
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Registers an open event stream (headers already sent, see `openEventStream`). The stream
   * starts with its position as a lone `id:` field, then its first event, `sse:connection` with
   * the connection id as data, then each channel's history after `lastEventId` (or that channel's
   * gap event) before any live event.
   */
  connect(target: EventStreamTarget, options: ConnectOptions<M>): SseConnection<M> {
    if (this.#closed) throw new Error('broadcaster is closed');
    const channels = streamChannels(options);
    if (options.id !== undefined) {
      assertConnectionId(options.id);
      this.#replaceDuplicate(options.id);
    }
    const connection = new SseConnection<M>(target, {
      id: options.id ?? newConnectionId(),
      channels,
      metadata: options.metadata,
      maxBufferedBytes: this.#maxBufferedBytes,
      onClose: this.#onConnectionClose,
      whenClosed: options.onClose,
    });
    for (const channel of this.#registry.add(connection)) this.#bus.log.follow(channel);
    this.#startInto(connection, options.lastEventId);
    this.emit('connect', connection.info());
    return connection;
  }

  /**
   * Publishes an event to every connection on `channel` (in every process, on a shared bus).
   * @returns its id and how many local connections it was written to.
   */
  async publish(channel: string, message: PublishMessage, options: PublishOptions<M> = {}): Promise<PublishResult> {
    if (this.#closed) throw new Error('broadcaster is closed');
    assertChannelName(channel);
    const read = new OptionReader<PublishOptions<M>>('publish', options);
    const exclude = excludedIds(read);
    const filter = read.optionalFunction('filter') as ((connection: ConnectionView) => boolean) | undefined;
    if (message === null || typeof message !== 'object')
      throw new TypeError(`publish message must be { event?, data }, got ${describeValue(message)}`);
    if (this.#hooks.size > 0) {
      const hooked = await this.#hooks.run({ channel, event: message.event, data: message.data });
      if (hooked === null) return { id: '', delivered: 0, dropped: true };
      assertChannelName(hooked.channel);
      ({ channel, ...message } = hooked);
    }
    if (message.event !== undefined) assertSingleLineField('event', message.event);
    const pending = serializeData(message.data);
    const data = typeof pending === 'string' ? pending : await pending;
    assertEventSize(channel, message.event, data, this.#maxEventBytes);
    const receipt = await this.#bus.log.append({ channel, event: message.event, data, exclude, filter });
    this.#published += 1;
    if (this.listenerCount('publish') > 0) this.emit('publish', { ...receipt, channel, event: message.event });
    return { ...receipt, dropped: false };
  }

  /**
   * Adds a publish hook (see {@link PublishHook}): it sees every event before it is validated and
   * encoded, and may change or drop it. Hooks run in the order added. Returns a function that
   * removes it. The `publish` event still reports what was actually published.
   */
  use(hook: PublishHook): () => void {
    return this.#hooks.add(hook);
  }

  /**
   * Sends a notice to every open stream of every process, whatever its channel (e.g. "maintenance
   * in 5 minutes"). The event name defaults to `sse:notice`; like `sendTo`, it carries no id and
   * is not kept in history. Resolves with how many streams of this process it was written to.
   */
  async announce(message: PublishMessage): Promise<number> {
    if (this.#closed) throw new Error('broadcaster is closed');
    const frame = await this.#encodeDirect(message, NOTICE_EVENT);
    const written = this.#announceHere(frame);
    await this.#bus.messages.announce(frame);
    return written;
  }

  /** A snapshot of the connection `id`, wherever it is held (any process on a shared bus), or undefined. */
  async connection(id: string): Promise<ConnectionInfo<M> | undefined> {
    assertConnectionId(id);
    const here = this.#registry.get(id);
    if (here) return here.info();
    return (await this.#bus.messages.lookup(id)) as ConnectionInfo<M> | undefined;
  }

  /**
   * Ends the connection `id`, wherever it is held, with a close event `{ reconnect, after, reason }`
   * (`reconnect` defaults to false). Resolves true if it was found.
   */
  async disconnect(id: string, options: BroadcasterCloseOptions = {}): Promise<boolean> {
    assertConnectionId(id);
    const frame = encodeCloseFrame(options, false);
    if (this.#closeHere(id, frame)) return true;
    return this.#bus.messages.disconnect(id, frame);
  }

  /**
   * The newest events of `channel`, decoded, oldest first (the reference library's `get_history`).
   * @param options.limit - how many at most: 1 to 10000, default 50.
   */
  recent(channel: string, options: { limit?: number } = {}): Promise<RecentEvent[]> {
    assertChannelName(channel);
    const limit = new OptionReader<{ limit?: number }>('recent', options).integer('limit', 50, { min: 1, max: 10_000 });
    return this.#bus.log.recent(channel, limit);
  }

  /**
   * Sends an event to one connection, wherever it is held. It is not kept in history and carries
   * no id, so the client's replay cursor is unchanged. Resolves false when no such connection.
   */
  async sendTo(connectionId: string, message: PublishMessage): Promise<boolean> {
    if (typeof connectionId !== 'string' || connectionId === '')
      throw new TypeError(`connectionId must be a non-empty string, got ${describeValue(connectionId)}`);
    const frame = await this.#encodeDirect(message, undefined);
    if (this.#direct(connectionId, frame)) return true;
    return this.#bus.messages.sendTo(connectionId, frame);
  }

  /**
   * The bus's current position: every event published after it resolves comes after it, on every
   * channel. A page rendered now puts it in its stream URL (`lastEventId`) so that the events
   * published before its stream opens are replayed; `createSseComponents({ broadcaster })` does so.
   */
  cursor(): Promise<string> {
    return this.#bus.log.position();
  }

  /** Snapshots of the open connections of this process, optionally of one channel. */
  connections(channel?: string): ConnectionInfo<M>[] {
    const source = channel === undefined ? this.#registry.all() : (this.#registry.inChannel(channel) ?? []);
    return Array.from(source, (connection) => connection.info());
  }

  /** Counts for this process, and the bus's state. */
  stats(): BroadcasterStats {
    return { ...this.#registry.stats(), published: this.#published, bus: this.#bus.state() };
  }

  /**
   * The retained events of `channel` after the cursor `since` (a position or a
   * `<channel>/<position>` id, as clients send it), or a gap. Events carry their positions.
   */
  history(channel: string, options: { since: string }): Promise<ReplayResult> {
    assertChannelName(channel);
    const position = cursorPosition(options.since);
    return this.#bus.log.read(channel, position ? formatEventId(position.epoch, position.sequence) : options.since);
  }

  /**
   * Ends every stream with a close event `{ reconnect, after, reason }`, then closes the bus.
   * Pending writes are flushed before each response ends. Safe to call twice.
   */
  async close(options: BroadcasterCloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const frame = encodeCloseFrame(options, true);
    for (const connection of [...this.#registry.all()]) connection.close(frame, 'server');
    await this.#bus.close();
  }

  /**
   * Ends every stream of one channel with a close event (e.g. a finished job), leaving the
   * broadcaster open. A stream that also carries other channels stays open for them: it leaves
   * this channel and gets the close event with `channel` in its data. Returns how many streams
   * were closed or left the channel.
   */
  closeChannel(channel: string, options: BroadcasterCloseOptions = {}): number {
    assertChannelName(channel);
    const members = this.#registry.inChannel(channel);
    if (!members) return 0;
    const frame = encodeCloseFrame(options, false);
    let channelFrame: Buffer | undefined;
    const connections = [...members];
    for (const connection of connections) {
      if (connection.channels.length === 1) {
        connection.close(frame, 'server');
        continue;
      }
      connection.leave(channel);
      if (this.#registry.leave(connection, channel)) this.#bus.log.unfollow(channel);
      channelFrame ??= encodeCloseFrame(options, false, channel);
      connection.write(channelFrame);
    }
    return connections.length;
  }

  /**
   * Ends one stream of this process with a close event (e.g. a user who logged out or lost
   * access). Default `reconnect: false`, so the monitor stops there. Returns false when this
   * process holds no connection with that id (ids are in `connections()` and the `connect` event).
   */
  closeConnection(connectionId: string, options: BroadcasterCloseOptions = {}): boolean {
    const connection = this.#registry.get(connectionId);
    if (!connection) return false;
    connection.close(encodeCloseFrame(options, false), 'server');
    return true;
  }

  readonly #deliver = (delivery: BusDelivery): number => {
    const { frame, id, channel } = delivery;
    const now = Date.now();
    let written = 0;
    forEachRecipient(this.#registry, delivery, (connection, skip) => {
      if (connection.write(skip ? Buffer.concat([skip, frame]) : frame, id, now, channel)) written += 1;
    });
    return written;
  };

  /** The one path back from the bus (see {@link Inbound}). */
  readonly #inbound: Inbound = {
    events: (deliveries) =>
      // One event (the memory bus, a read of one): the plain loop; several: one write per connection.
      deliveries.length === 1 ? [this.#deliver(deliveries[0]!)] : deliverBatch(this.#registry, deliveries),
    message: <T extends ProcessMessage>(message: T): ProcessAnswers[T['kind']] =>
      this.#answer(message) as ProcessAnswers[T['kind']],
  };

  /** Acts on a message from another process (see {@link ProcessMessage}). */
  #answer(message: ProcessMessage): ProcessAnswers[ProcessMessage['kind']] {
    switch (message.kind) {
      case 'write':
        return this.#direct(message.connectionId, message.frame);
      case 'close':
        return this.#closeHere(message.connectionId, message.frame);
      case 'describe':
        return this.#registry.get(message.connectionId)?.info();
      case 'notice':
        return this.#announceHere(message.frame);
      case 'count':
        return this.#registry.stats();
    }
  }

  readonly #direct = (connectionId: string, frame: Buffer): boolean => {
    return this.#registry.get(connectionId)?.write(frame) ?? false;
  };

  readonly #closeHere = (connectionId: string, frame: Buffer): boolean => {
    const connection = this.#registry.get(connectionId);
    connection?.close(frame, 'server');
    return connection !== undefined;
  };

  readonly #announceHere = (frame: Buffer): number => {
    let written = 0;
    for (const connection of this.#registry.all()) if (connection.write(frame)) written += 1;
    return written;
  };

  /** Encodes an id-less event for one connection or for every one (`sendTo`, `announce`). */
  async #encodeDirect(message: PublishMessage, defaultEvent: string | undefined): Promise<Buffer> {
    if (message === null || typeof message !== 'object')
      throw new TypeError(`message must be { event?, data }, got ${describeValue(message)}`);
    const event = message.event ?? defaultEvent;
    if (event !== undefined) assertSingleLineField('event', event);
    const pending = serializeData(message.data);
    return encodeEvent({ event, data: typeof pending === 'string' ? pending : await pending });
  }

  /**
   * Ends a stream that holds `id` here and, on a shared bus, in other processes: the new one
   * replaces it. Elsewhere only a stream opened before this one ends (see `DisconnectKind`).
   */
  #replaceDuplicate(id: string): void {
    const frame = encodeCloseFrame({ reconnect: false, reason: 'replaced' }, false);
    this.#closeHere(id, frame);
    this.#bus.messages.disconnect(id, frame, 'replace').catch((error: unknown) => {
      if (debugLog.enabled)
        debugLog('broadcaster: replacing %s in other processes failed: %s', id, toError(error).message);
    });
  }

  readonly #onConnectionClose = (connection: SseConnection<M>, reason: CloseReason): void => {
    for (const channel of this.#registry.remove(connection, reason)) this.#bus.log.unfollow(channel);
    this.emit('disconnect', connection.info(), reason);
  };

  /** Holds live events until the stream's start (its cursor, replay and gaps) is known. */
  #startInto(connection: SseConnection<M>, lastEventId: string | undefined): void {
    connection.holdLive();
    const identity = { frame: encodeEvent({ event: CONNECTION_EVENT, data: connection.id }) };
    const { log } = this.#bus;
    startStream(log, connection.channels, lastEventId, !log.ordered).then(
      (start) => {
        if (start.positions) connection.trackPositions(start.positions);
        connection.releaseHeld((held) => {
          // Right after the opening cursor (the merge's first frame): the stream's first event.
          const frames = start.merge(held);
          frames.splice(1, 0, identity);
          return frames;
        });
        if (lastEventId !== undefined && this.listenerCount('replay') > 0)
          this.emit('replay', connection.info(), { replayed: start.replayed, gaps: start.gaps });
      },
      () => connection.close(undefined, 'server'),
    );
  }
}

/** `exclude` of publish options as a list: a string, or an array of strings. @throws TypeError naming the value. */
function excludedIds<M>(read: OptionReader<PublishOptions<M>>): readonly string[] | undefined {
  const exclude = read.raw('exclude');
  if (exclude === undefined) return undefined;
  if (typeof exclude === 'string') return [exclude];
  if (Array.isArray(exclude) && exclude.every((id) => typeof id === 'string')) return exclude;
  throw read.error('exclude', 'a connection id or an array of them', exclude);
}

/** Creates a {@link Broadcaster}: the registry of open streams plus publishing through a bus. */
export function createBroadcaster<M = unknown>(options: BroadcasterOptions = {}): Broadcaster<M> {
  return new Broadcaster<M>(options);
}
