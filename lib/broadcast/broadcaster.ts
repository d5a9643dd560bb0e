import { EventEmitter } from 'node:events';
import { toError } from '../errors/toError';
import { cursorPosition, formatEventId } from '../protocol/eventId';
import { assertSingleLineField } from '../protocol/fieldValidation';
import { CONNECTION_EVENT, NOTICE_EVENT, REVOKED_REASON } from '../protocol/protocolEvents';
import { serializeData } from '../protocol/serializeData';
import { encodeEvent } from '../protocol/wireFormat';
import { systemClock } from '../time/clock';
import { describeValue } from '../validation/describeValue';
import { OptionReader } from '../validation/optionReader';
import {
  type BroadcasterCloseOptions,
  type BroadcasterOptions,
  type ConnectOptions,
  type DirectMessage,
  type PublishMessage,
  type PublishOptions,
  readCloseOptions,
  readConnectPresence,
  readPublishOptions,
} from './broadcasterOptions';
import type { BroadcasterEvents, BroadcasterStats, PublishResult } from './broadcasterReports';
import { type Bus, isBus } from './bus';
import { assertChannelName } from './channelName';
import { assertConnectionId, newConnectionId } from './connectionId';
import { ConnectionRegistry } from './connectionRegistry';
import { type DebugLogger, readDebugOption } from './debugLog';
import { encodeCloseFrame, encodeDirectFrame } from './directFrames';
import { resolveHistoryLimits } from './eventHistory';
import { assertEventKey } from './eventKey';
import type { RecentEvent, ReplayResult, StoredEvent } from './eventLog';
import { assertEventSize, DEFAULT_MAX_EVENT_BYTES } from './eventSize';
import { type CloseReason, DEFAULT_MAX_BUFFERED_BYTES, type EventStreamTarget } from './eventStreamWriter';
import { type EventView, EventViews } from './eventViews';
import { MemoryBus } from './memoryBus';
import { PresenceBoard } from './presenceBoard';
import type { PresenceSnapshot } from './presenceView';
import { type PublishHook, PublishHooks } from './publishHooks';
import {
  announceHere,
  closeHere,
  closeWhereHere,
  leaveChannel,
  type RegistryHooks,
  registryInbound,
  writeHere,
} from './registryInbound';
import { Revalidation } from './revalidation';
import { type ConnectionInfo, SseConnection, type StreamConnection } from './sseConnection';
import { streamChannels } from './streamChannels';
import { readStreamMatch, type StreamMatch } from './streamMatch';
import { startStream } from './streamReplay';

/**
 * Channels of event streams in one process, with delivery and history behind a {@link Bus}.
 * Each event is serialized and encoded once; the same Buffer goes to every recipient.
 */
export class Broadcaster<M = unknown> extends EventEmitter<BroadcasterEvents<M>> {
  readonly #bus: Bus;
  readonly #registry: ConnectionRegistry<M>;
  readonly #debug: DebugLogger;
  readonly #hooks = new PublishHooks();
  readonly #maxBufferedBytes: number;
  readonly #maxEventBytes: number;
  readonly #revalidation: Revalidation<M, SseConnection<M>> | undefined;
  readonly #presence: PresenceBoard<SseConnection<M>>;
  readonly #views = new EventViews<M>((error, failure) => {
    if (this.listenerCount('viewError') > 0) this.emit('viewError', error, failure);
    else if (this.#debug.enabled)
      this.#debug('broadcaster: view of %s failed on %s: %s', failure.event, failure.id, error.message);
  });
  #published = 0;
  #superseded = 0;
  #closed = false;

  /** Use {@link createBroadcaster}. */
  constructor(options: BroadcasterOptions<M> = {}) {
    super();
    const read = new OptionReader<BroadcasterOptions<M>>('createBroadcaster', options);
    this.#debug = readDebugOption(read.raw('debug'), (expected, value) => read.error('debug', expected, value));
    this.#registry = new ConnectionRegistry<M>(this.#debug);
    this.#maxBufferedBytes = read.integer('maxBufferedBytes', DEFAULT_MAX_BUFFERED_BYTES, { min: 1 });
    this.#maxEventBytes = read.integer(
      'maxEventBytes',
      Math.max(1, Math.min(DEFAULT_MAX_EVENT_BYTES, Math.floor(this.#maxBufferedBytes / 2))),
      { min: 1, max: this.#maxBufferedBytes },
    );
    const bus = read.raw('bus');
    if (bus !== undefined && !isBus(bus)) throw read.error('bus', 'a Bus (a MemoryBus or a RedisBus)', bus);
    if (bus !== undefined && read.raw('history') !== undefined)
      throw new TypeError(
        'createBroadcaster: option "history" is for the default in-memory bus; give the limits to the bus: new MemoryBus(history) or new RedisBus({ history })',
      );
    this.#bus = bus ?? new MemoryBus(resolveHistoryLimits('createBroadcaster', read.raw('history')));
    this.#presence = new PresenceBoard<SseConnection<M>>(
      read.raw('presence'),
      this.#bus.presence,
      (channel) => this.#registry.inChannel(channel) ?? [],
      systemClock,
    );
    this.#bus.attach(registryInbound(this.#registry, this.#registryHooks, this.#views));
    const revalidate = read.raw('revalidate');
    if (revalidate !== undefined)
      this.#revalidation = new Revalidation<M, SseConnection<M>>(revalidate, systemClock, this.#revoke, (message) => {
        if (this.#debug.enabled) this.#debug('broadcaster: %s', message);
      });
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
  connect(target: EventStreamTarget, options: ConnectOptions<M>): StreamConnection<M> {
    if (this.#closed) throw new Error('broadcaster is closed');
    const channels = streamChannels(options);
    const members = readConnectPresence(options.presence, channels);
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
    this.#revalidation?.add(connection);
    this.#presence.opened(connection, channels, members);
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
    const { exclude, filter } = readPublishOptions(options);
    if (message === null || typeof message !== 'object')
      throw new TypeError(`publish message must be { event?, data, key? }, got ${describeValue(message)}`);
    if (this.#hooks.size > 0) {
      const hooked = await this.#hooks.run({ channel, event: message.event, data: message.data, key: message.key });
      if (hooked === null) return { id: '', delivered: 0, dropped: true };
      assertChannelName(hooked.channel);
      ({ channel, ...message } = hooked);
    }
    if (message.event !== undefined) assertSingleLineField('event', message.event);
    const { key } = message;
    if (key !== undefined) assertEventKey(key);
    const pending = serializeData(message.data);
    const data = typeof pending === 'string' ? pending : await pending;
    assertEventSize(channel, message.event, data, this.#maxEventBytes);
    const receipt = await this.#bus.log.append({ channel, event: message.event, data, key, exclude, filter });
    this.#published += 1;
    if (receipt.superseded) this.#superseded += 1;
    if (this.listenerCount('publish') > 0) this.emit('publish', { ...receipt, channel, event: message.event });
    return { ...receipt, dropped: false };
  }

  /**
   * Registers a view: how the events named `event` are rendered per viewer (the stream's
   * metadata). The event keeps its data once, in history and on every bus; each process renders
   * it once per audience key among its own streams on the channel (`view.audience(metadata)`),
   * encodes that once and writes it to those streams, live and on replay alike. A stream whose
   * audience is undefined gets the event as published. Every process that holds streams must
   * register the same views. A view that fails leaves its audience without the event and emits
   * `viewError`. Returns a function that removes the view.
   * @example
   * broadcaster.view('comment', {
   *   audience: (viewer) => viewer.role,
   *   render: (comment, viewer) => <Comment comment={comment} editable={viewer.role === 'admin'} />,
   * });
   * @throws TypeError for a bad event name or view, or an event that has a view already.
   */
  view<D = unknown>(event: string, view: EventView<M, D>): () => void {
    return this.#views.add(event, view);
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
  async announce(message: DirectMessage): Promise<number> {
    if (this.#closed) throw new Error('broadcaster is closed');
    const frame = await encodeDirectFrame('announce', message, NOTICE_EVENT);
    const written = announceHere(this.#registry, frame);
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
    const frame = encodeCloseFrame(readCloseOptions('disconnect', options), false);
    if (closeHere(this.#registry, id, frame)) return true;
    return this.#bus.messages.disconnect(id, frame);
  }

  /**
   * Ends every stream, in every process on a shared bus, that `criteria` selects: its metadata
   * holds the fields given, and (with `channel`) it carries that channel. Logout is one line:
   * `disconnectWhere({ metadata: { userId } })`. Each client gets a close event
   * `{ reconnect: false, reason: 'revoked' }` by default (the monitor shows `unauthorized` and
   * does not reconnect); with `channel`, a stream that carries other channels too only leaves
   * that one. Resolves with how many streams ended or left the channel, once every live process
   * answered (or the bus's time bound passed).
   * @throws TypeError when `criteria` has no criterion (it never ends every stream) or a bad one.
   */
  async disconnectWhere(criteria: StreamMatch, options: BroadcasterCloseOptions = {}): Promise<number> {
    const match = readStreamMatch('disconnectWhere', criteria);
    const close: BroadcasterCloseOptions = {
      reconnect: false,
      reason: REVOKED_REASON,
      ...readCloseOptions('disconnectWhere', options),
    };
    const here = closeWhereHere(this.#registry, { match, close }, this.#registryHooks);
    return here + (await this.#bus.messages.disconnectWhere({ match, close }));
  }

  /**
   * Who is on `channel` now, over every process: each member once however many streams hold it,
   * up to the member cap (`createBroadcaster({ presence: { maxMembers } })`), and how many in all.
   * This process's members are as of now; another process's as it last shared them (within one
   * interval of a change).
   */
  presence(channel: string): Promise<PresenceSnapshot> {
    assertChannelName(channel);
    return this.#presence.presence(channel);
  }

  /**
   * The newest events of `channel`, decoded, oldest first.
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
  async sendTo(connectionId: string, message: DirectMessage): Promise<boolean> {
    if (typeof connectionId !== 'string' || connectionId === '')
      throw new TypeError(`connectionId must be a non-empty string, got ${describeValue(connectionId)}`);
    const frame = await encodeDirectFrame('sendTo', message, undefined);
    if (writeHere(this.#registry, connectionId, frame)) return true;
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
    return {
      ...this.#registry.stats(),
      published: this.#published,
      superseded: this.#superseded,
      bus: this.#bus.state(),
    };
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
    this.#revalidation?.stop();
    await this.#presence.stop();
    const frame = encodeCloseFrame(readCloseOptions('close', options), true);
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
    return closeWhereHere(
      this.#registry,
      { match: { channel }, close: readCloseOptions('closeChannel', options) },
      this.#registryHooks,
    );
  }

  /**
   * Ends one stream of this process with a close event (e.g. a user who logged out or lost
   * access). Default `reconnect: false`, so the monitor stops there. Returns false when this
   * process holds no connection with that id (ids are in `connections()` and the `connect` event).
   */
  closeConnection(connectionId: string, options: BroadcasterCloseOptions = {}): boolean {
    const connection = this.#registry.get(connectionId);
    if (!connection) return false;
    connection.close(encodeCloseFrame(readCloseOptions('closeConnection', options), false), 'server');
    return true;
  }

  /**
   * Ends a stream that holds `id` here and, on a shared bus, in other processes: the new one
   * replaces it. Elsewhere only a stream opened before this one ends (see `DisconnectKind`).
   */
  #replaceDuplicate(id: string): void {
    const frame = encodeCloseFrame({ reconnect: false, reason: 'replaced' }, false);
    closeHere(this.#registry, id, frame);
    this.#bus.messages.disconnect(id, frame, 'replace').catch((error: unknown) => {
      if (this.#debug.enabled)
        this.#debug('broadcaster: replacing %s in other processes failed: %s', id, toError(error).message);
    });
  }

  /** What the registry's paths tell the broadcaster: a channel a stream left, presence changed elsewhere. */
  readonly #registryHooks: RegistryHooks<M> = {
    left: (connection, channel, last) => {
      if (last) this.#bus.log.unfollow(channel);
      this.#presence.left(connection, channel);
    },
    presenceChanged: (channel) => this.#presence.changedElsewhere(channel),
  };

  /** Ends what failed its re-check: the whole stream, or only those channels of a stream that keeps others. */
  readonly #revoke = (connection: SseConnection<M>, channels: readonly string[]): void => {
    const close = { reconnect: false, reason: REVOKED_REASON };
    if (channels.length >= connection.channels.length) {
      connection.close(encodeCloseFrame(close, false), 'server');
      return;
    }
    for (const channel of channels)
      leaveChannel(this.#registry, connection, channel, encodeCloseFrame(close, false, channel), this.#registryHooks);
  };

  readonly #onConnectionClose = (connection: SseConnection<M>, reason: CloseReason): void => {
    this.#revalidation?.delete(connection);
    this.#presence.closed(connection, connection.channels);
    for (const channel of this.#registry.remove(connection, reason)) this.#bus.log.unfollow(channel);
    this.emit('disconnect', connection.info(), reason);
  };

  /** Holds live events until the stream's start (its cursor, replay and gaps) is known. */
  #startInto(connection: SseConnection<M>, lastEventId: string | undefined): void {
    connection.holdLive();
    const identity = { frame: encodeEvent({ event: CONNECTION_EVENT, data: connection.id }) };
    const { log } = this.#bus;
    const present =
      this.#views.size > 0
        ? (event: StoredEvent & { channel: string }) => {
            const present = this.#views.presenter(event);
            return present ? present(connection.metadata) : event.frame;
          }
        : undefined;
    startStream(log, connection.channels, lastEventId, !log.ordered, present).then(
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

/** Creates a {@link Broadcaster}: the registry of open streams plus publishing through a bus. */
export function createBroadcaster<M = unknown>(options: BroadcasterOptions<M> = {}): Broadcaster<M> {
  return new Broadcaster<M>(options);
}
