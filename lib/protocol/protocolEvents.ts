/**
 * Names of the events the library itself sends on a stream. Page code and the client monitor
 * listen for them; apps should not publish events with these names.
 */

/** Sent when the server ends a stream: data `{ reconnect, after?, reason? }` as JSON. */
export const CLOSE_EVENT = 'sse:close';

/**
 * Sent on (re)connect, per channel, when the client's cursor is older than that channel's history
 * window; and on an open stream when a shared bus lost the channel's history after the last event
 * it delivered (a Redis restarted empty), before the next event.
 */
export const GAP_EVENT = 'sse:gap';

/**
 * The first event of every stream: its id is the stream's cursor, its data empty. It sets the
 * client's last event id, so a client that drops before any event resumes without a hole. A bare
 * `id:` would do that by the SSE spec, but the `eventsource` package (and so Node clients) ignores
 * a block without data; a named event with an empty `data:` line is honoured by every client, and
 * no htmx swap or page listener reacts to it.
 */
export const CURSOR_EVENT = 'sse:cursor';

/** The named keep-alive event: data is the server's clock in ms, so it is never empty. */
export const HEARTBEAT_EVENT = 'sse:heartbeat';

/** The first event of every stream (after its opening cursor): data is its connection id, so the page knows who it is. */
export const CONNECTION_EVENT = 'sse:connection';

/** Default name of a notice every open stream receives (`broadcaster.announce`). */
export const NOTICE_EVENT = 'sse:notice';

/**
 * The close event's `reason` when the app ended a stream because access ended
 * (`disconnectWhere`): the monitor shows `unauthorized` and does not reconnect.
 */
export const REVOKED_REASON = 'revoked';

/** Data of the close event. */
export interface CloseEventData {
  /** Whether the client should connect again. */
  reconnect: boolean;
  /** How long to wait before reconnecting, in ms (the client adds jitter). */
  after?: number;
  /** Free text shown in logs. */
  reason?: string;
  /**
   * Set when only this channel of a stream of several ended (`closeChannel`): the stream stays
   * open for its other channels, and only what listens to this channel should stop.
   */
  channel?: string;
}

/** Data of the gap event: one per channel of the stream that cannot be replayed. */
export interface GapEventData {
  /** The channel whose events after the cursor are no longer all in history. */
  channel: string;
  /**
   * The cursor the client came back with (empty when it had none usable); on an open stream, the
   * channel's last event delivered before the history was lost.
   */
  lastEventId: string;
  /** The channel's newest event id (`<channel>/<position>`), or null when it has none. */
  latestId: string | null;
}

/**
 * Sent to the streams of a channel with presence (`sseMiddleware`'s `presence`) when who is there
 * changed, at most once per interval per channel, and once to a stream that joins: data
 * {@link PresenceEventData} as JSON. It carries no id and is not kept in history.
 */
export const PRESENCE_EVENT = 'sse:presence';

/** A member of a channel's presence: its `id` (counted once, however many streams) and flat display fields. */
export interface PresenceMember {
  /** Who: one member however many tabs, browsers or processes hold its streams. 1 to 200 characters. */
  id: string;
  /** Anything to show (a name, an avatar URL, a role): strings, finite numbers, booleans or null. */
  [field: string]: string | number | boolean | null;
}

/** Data of the presence event: the channel's members now, and what changed since the last one. */
export interface PresenceEventData {
  channel: string;
  /** Members on the channel now, over every process (past the member cap, an estimate). */
  count: number;
  /** The members now, up to the cap, in the order they joined (this process's first). */
  members: PresenceMember[];
  /** Ids listed now and not in the previous event to this stream's channel. */
  joined: string[];
  /** Ids listed in the previous event and not now. */
  left: string[];
}
