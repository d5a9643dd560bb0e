/**
 * One open event stream in the registry: who it is (id, channels, the app's metadata), written
 * through the bounded {@link EventStreamWriter}.
 */
import type { ConnectionView } from './eventLog';
import { type CloseReason, type EventStreamTarget, EventStreamWriter } from './eventStreamWriter';
import type { KeepAliveTarget } from './keepAlive';

/** What a connection was created with. */
export interface SseConnectionOptions<M> {
  id: string;
  /** The channels it carries, checked and without repeats (see `streamChannels`). */
  channels: readonly string[];
  metadata: M;
  /** Bytes Node may hold for this client before it is evicted. */
  maxBufferedBytes: number;
  /** Called exactly once, when the stream ends for any reason (the registry's hook). */
  onClose(connection: SseConnection<M>, reason: CloseReason): void;
  /** The app's own callback, called once after `onClose`. */
  whenClosed?: (connection: SseConnection<M>, reason: CloseReason) => void;
}

/** A read-only snapshot of a connection, for stats, filters and `connections()`. */
export interface ConnectionInfo<M = unknown> {
  id: string;
  /** The stream's first channel (its only one, unless it was opened on several). */
  channel: string;
  /** Every channel the stream carries. */
  channels: readonly string[];
  metadata: M;
  createdAt: number;
  lastActivityAt: number;
  eventsSent: number;
  bytesSent: number;
  droppedEvents: number;
  bufferedBytes: number;
}

/**
 * An open stream as the app holds it: what `Broadcaster.connect` returns and `onClose` hands back.
 * Its writes stay the library's; a `KeepAlive` keeps it alive.
 */
export interface StreamConnection<M = unknown> extends ConnectionView<M>, KeepAliveTarget {
  /** A snapshot of its counters. */
  info(): ConnectionInfo<M>;
}

/** See the module comment. */
export class SseConnection<M = unknown> extends EventStreamWriter implements StreamConnection<M> {
  /** Connection id, unique in the broadcaster. */
  readonly id: string;
  #channels: readonly string[];
  /** App data taken from the request (user id, …). */
  readonly metadata: M;
  readonly #onClose: SseConnectionOptions<M>['onClose'];
  readonly #whenClosed: SseConnectionOptions<M>['whenClosed'];

  /**
   * @param target - the response to write to (headers already sent).
   * @param options - identity, limits and the close callback.
   */
  constructor(target: EventStreamTarget, options: SseConnectionOptions<M>) {
    super(target, options.maxBufferedBytes);
    this.id = options.id;
    this.#channels = options.channels;
    this.metadata = options.metadata;
    this.#onClose = options.onClose;
    this.#whenClosed = options.whenClosed;
  }

  /** Every channel it listens to (fewer once {@link leave} took one off a multi-channel stream). */
  get channels(): readonly string[] {
    return this.#channels;
  }

  /** The first of {@link channels} now (a single-channel stream's only one). */
  get channel(): string {
    return this.#channels[0];
  }

  /** Stops listening to `channel` (`closeChannel` on a stream of several): `channels` and the first channel follow. */
  leave(channel: string): void {
    this.#channels = this.#channels.filter((name) => name !== channel);
  }

  /** A snapshot for stats and filters. */
  info(): ConnectionInfo<M> {
    return {
      id: this.id,
      channel: this.channel,
      channels: this.channels,
      metadata: this.metadata,
      createdAt: this.createdAt,
      lastActivityAt: this.lastActivityAt,
      eventsSent: this.eventsSent,
      bytesSent: this.bytesSent,
      droppedEvents: this.droppedEvents,
      bufferedBytes: this.bufferedBytes,
    };
  }

  protected override closed(reason: CloseReason): void {
    this.#onClose(this, reason);
    this.#whenClosed?.(this, reason);
  }
}
