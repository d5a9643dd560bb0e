/**
 * The seam between publishing and delivering. The broadcaster hands every event to a `Bus`,
 * which assigns its id, keeps it in the channel's history and delivers it to every process
 * that has listeners (in memory: this one). A Redis bus implements the same interface, so
 * callers never change when an app scales out.
 */
import type { ConnectionInfo } from './sseConnection';

/** What a publish filter sees of each candidate connection. */
export interface ConnectionView<M = unknown> {
  readonly id: string;
  /** The stream's first channel (its only one, unless it was opened on several). */
  readonly channel: string;
  /** Every channel the stream carries. */
  readonly channels: readonly string[];
  readonly metadata: M;
  readonly createdAt: number;
}

/** An event on its way through the bus, before it has an id. */
export interface BusMessage {
  /** Channel the event belongs to. */
  channel: string;
  /** Event type, already validated. */
  event?: string;
  /** Serialized payload text. */
  data: string;
  /** Connection ids that must not receive it. */
  exclude?: readonly string[];
  /**
   * Local-only predicate over recipients. A bus that crosses processes cannot carry a function
   * and rejects messages that have one (use `exclude`, or a channel per audience, instead).
   */
  filter?: (connection: ConnectionView) => boolean;
}

/** What a publish resolves with. */
export interface PublishReceipt {
  /** The event's id as clients see it, `<channel>/<position>` (also a `Last-Event-ID` cursor). */
  id: string;
  /** Connections of this process it was written to by the time `publish` resolved. */
  delivered: number;
}

/** An event as history keeps it: its position and its encoded frame. */
export interface StoredEvent {
  /**
   * The position assigned by the bus, of the shape described in `eventId.ts` and ordered across
   * every channel of the bus; the frame's `id:` field is `<channel>/<position>`.
   */
  id: string;
  /** The complete SSE frame, encoded once and shared by every recipient. */
  frame: Buffer;
}

/** One retained event, decoded: what `broadcaster.recent` returns. */
export interface RecentEvent {
  /** The event's id (also its `Last-Event-ID` cursor). */
  id: string;
  /** Event type, or undefined for the client's default `message` event. */
  event: string | undefined;
  /** Serialized payload text (HTML, or JSON for an object). */
  data: string;
  /** When the bus accepted it, in ms since the epoch. */
  publishedAt: number;
}

/** An event as delivered: the message with its id and frame. */
export interface BusDelivery extends BusMessage, StoredEvent {}

/** What a channel's history answers for a cursor. */
export type ReplayResult =
  /** Every retained event after the cursor, oldest first (possibly none). */
  | { kind: 'events'; events: readonly StoredEvent[] }
  /** The cursor is older than the window, from another epoch, or not an id at all. */
  | { kind: 'gap'; latestId: string | undefined };

/** What the broadcaster asks the bus to call back. */
export interface BusHandlers {
  /** This process's connection counts (a shared bus reports them for cluster-wide stats). */
  stats(): { connections: number; byChannel: Record<string, number> };
  /** A published event reached this process; returns how many connections it was written to. */
  deliver(delivery: BusDelivery): number;
  /**
   * Several published events reached this process at once (e.g. one read of a shared bus), in
   * position order: each connection gets those it should receive in one write. Returns, per
   * delivery, how many connections it was written to.
   */
  deliverBatch(deliveries: readonly BusDelivery[]): number[];
  /** A frame addressed to one connection reached this process; true when it was written here. */
  direct(connectionId: string, frame: Buffer): boolean;
  /** Ends a connection of this process after writing `frame`; true when it was here. */
  close(connectionId: string, frame: Buffer): boolean;
  /** A snapshot of a connection of this process, if it is here. */
  describe(connectionId: string): ConnectionInfo | undefined;
  /** Writes a notice to every connection of this process; returns how many it was written to. */
  announce(frame: Buffer): number;
}

/**
 * Why other processes are asked to end a connection:
 * - `'close'`: the app ends the connection it names (`broadcaster.disconnect`), whichever stream
 *   holds the id;
 * - `'replace'`: this process has just opened a stream with that id (an app-chosen id), so only
 *   streams opened before it end. A process that reads the request late never ends a stream
 *   opened there after the asking one (the client's newer stream).
 */
export type DisconnectKind = 'close' | 'replace';

/** The bus's view of its own health, shown in stats. */
export interface BusState {
  /** Implementation name, e.g. `memory` or `redis`. */
  kind: string;
  /** Whether publishing can currently succeed. */
  connected: boolean;
  /** Anything else worth reporting (ids seen, reconnects, …). */
  [detail: string]: unknown;
}

/** Delivery and history behind the broadcaster (see the module comment). */
export interface Bus {
  /** Called once by the broadcaster that owns the bus. */
  attach(handlers: BusHandlers): void;
  /** Assigns an id, stores the event in history and delivers it; resolves once accepted. */
  publish(message: BusMessage): Promise<PublishReceipt>;
  /** Sends a frame to one connection, wherever it is held; resolves true if it was written. */
  sendTo(connectionId: string, frame: Buffer): Promise<boolean>;
  /**
   * Ends the connection `connectionId` with `frame` (a close event) in every other process that
   * holds it (the broadcaster has already looked in its own); true if one was found and ended.
   * With `kind` `'replace'` only a stream opened before the asking one ends: each bus defines that
   * order the same way in every process (see {@link DisconnectKind}). Default `'close'`.
   */
  disconnect(connectionId: string, frame: Buffer, kind?: DisconnectKind): Promise<boolean>;
  /** A snapshot of the connection `connectionId` held by another process, or undefined. */
  lookup(connectionId: string): Promise<ConnectionInfo | undefined>;
  /** Writes a notice to every connection of every other process; resolves once it is sent. */
  announce(frame: Buffer): Promise<void>;
  /** The newest `limit` retained events of `channel`, oldest first. */
  recent(channel: string, limit: number): Promise<RecentEvent[]>;
  /** The retained events after the position `lastEventId` on `channel`, or a gap. */
  replay(channel: string, lastEventId: string): Promise<ReplayResult>;
  /**
   * The newest position of the whole bus: every event published after this call resolves has a
   * greater one, on every channel. A stream opens with it, and a page embeds it at render time.
   */
  position(): Promise<string>;
  /** This process now has listeners on `channel` (first one) ... */
  subscribe(channel: string): void;
  /** ... and now has none. */
  unsubscribe(channel: string): void;
  /** Health for stats. */
  state(): BusState;
  /** Releases every resource the bus holds. */
  close(): Promise<void>;
}
