/**
 * The event log: one half of the seam between the broadcaster and a backend (the other half,
 * `processMessages.ts`, carries messages between processes; `bus.ts` holds both and the one path
 * back). The broadcaster appends events, reads history after a cursor, follows the channels its
 * streams carry, and asks for the current position; the backend hands live events back through
 * `Inbound.events` only.
 */
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

/** An event on its way into the log, before it has a position. */
export interface BusMessage {
  /** Channel the event belongs to. */
  channel: string;
  /** Event type, already validated. */
  event?: string;
  /** Serialized payload text. */
  data: string;
  /**
   * The key of a latest-value event, already validated: it supersedes the earlier event of the
   * same key on its channel, which leaves the channel's history (see `EventLog`'s "Keys").
   */
  key?: string;
  /** Connection ids that must not receive it. */
  exclude?: readonly string[];
  /**
   * Local-only predicate over recipients. A log that crosses processes cannot carry a function
   * and rejects messages that have one (use `exclude`, or a channel per audience, instead).
   */
  filter?: (connection: ConnectionView) => boolean;
}

/** What an append resolves with. */
export interface PublishReceipt {
  /** The event's id as clients see it, `<channel>/<position>` (also a `Last-Event-ID` cursor). */
  id: string;
  /** Connections of this process it was written to by the time the append resolved. */
  delivered: number;
  /** True when the event, keyed, superseded an event of its key that history still held. */
  superseded?: boolean;
}

/** An event as history keeps it: its position and its encoded frame. */
export interface StoredEvent {
  /**
   * The position the log assigned, of the shape described in `eventId.ts`; the frame's `id:`
   * field is `<channel>/<position>`.
   */
  id: string;
  /** The complete SSE frame, encoded once and shared by every recipient. */
  frame: Buffer;
  /** The event's key, when it is a latest-value event. */
  key?: string;
}

/** One retained event, decoded: what `broadcaster.recent` returns. */
export interface RecentEvent {
  /** The event's id (also its `Last-Event-ID` cursor). */
  id: string;
  /** Event type, or undefined for the client's default `message` event. */
  event: string | undefined;
  /** Serialized payload text (HTML, or JSON for an object). */
  data: string;
  /** When the log accepted it, in ms since the epoch. */
  publishedAt: number;
}

/** An event as delivered: the message with its position and frame. */
export interface BusDelivery extends BusMessage, StoredEvent {}

/** What a channel's history answers for a cursor. */
export type ReplayResult =
  /** Every retained event after the cursor, oldest first (possibly none). */
  | { kind: 'events'; events: readonly StoredEvent[] }
  /** The log cannot vouch for the cursor: older than the window, from another epoch, or not a position. */
  | { kind: 'gap'; latestId: string | undefined };

/**
 * The channels' events, in order, with their history. Guarantees every implementation keeps (the
 * contract suite and the model check in `__tests__/` hold each backend to them):
 *
 * - **Order.** Positions are totally ordered. On one channel, a later append has a greater
 *   position, and live delivery hands a channel's events over in that order.
 * - **Exactly once or a gap.** Every accepted event of a followed channel reaches this process's
 *   `Inbound.events` once. When the log can no longer deliver some (its store restarted empty, a
 *   reader fell behind what is retained), it hands over a gap delivery for that channel instead
 *   (an encoded `sse:gap` frame with no position), never silence.
 * - **Vouching.** `read` answers events only when it can vouch that nothing after the cursor and
 *   before the first event it answers is missing; otherwise it answers a gap.
 * - **Keys.** An appended event with a `key` supersedes the event of the same key and channel that
 *   history holds, which leaves history in the same step as the new one enters it: history holds
 *   the latest event per key, plus the unkeyed events. So `read` answers, of the events after the
 *   cursor, the latest per key and every unkeyed one, in position order. A superseded event is not
 *   a loss: it never makes `read` answer a gap. Live delivery may skip a superseded event (a reader
 *   that catches up after it left), never the event that superseded it.
 * - **Timeouts.** A call the backend cannot complete in its own time bound rejects; the broadcaster
 *   turns a failed `read` into a gap for that channel and a failed `append` into a rejected publish.
 */
export interface EventLog {
  /**
   * True when live delivery hands over the events of different channels in position order (one
   * partition: the memory log, one Redis). False when it may not (a Redis Cluster reads its buckets
   * apart): a stream of several channels then carries a cursor per channel (`channelCursor.ts`),
   * so that it resumes exactly.
   */
  readonly ordered: boolean;
  /**
   * Assigns the event a position, stores it in its channel's history and hands it to every process
   * that follows the channel (this one included). Resolves once the backend accepted it (with its
   * durability); rejects when it did not, and then the event may still have been stored (a reply
   * lost on the way) but is never acknowledged.
   */
  append(message: BusMessage): Promise<PublishReceipt>;
  /**
   * The retained events of `channel` after the position `after`, oldest first, or a gap (see the
   * interface's "Vouching"). Read after `follow(channel)`, it covers whatever live delivery of that
   * channel had not yet handed over: the broadcaster merges both and drops repeats.
   */
  read(channel: string, after: string): Promise<ReplayResult>;
  /** The newest `limit` retained events of `channel`, oldest first. */
  recent(channel: string, limit: number): Promise<RecentEvent[]>;
  /**
   * The newest position: every event appended after this resolves has a greater one, on every
   * channel. A stream opens with it, and a page embeds it at render time.
   */
  position(): Promise<string>;
  /** This process has its first stream on `channel`: deliver its live events here from now on. */
  follow(channel: string): void;
  /** This process has no stream on `channel` any more: its live events need not come here. */
  unfollow(channel: string): void;
}
