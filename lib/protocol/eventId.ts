/**
 * Event ids have the shape `<epoch>-<sequence>`, the same shape as Redis stream entry ids, so a
 * cursor can be compared with any id the library issues, whichever bus issued it. The epoch of the
 * in-memory bus is its start time: a cursor from before a restart is recognisably foreign.
 */

/** A parsed event id: both parts are non-negative integers. */
export interface ParsedEventId {
  epoch: number;
  sequence: number;
}

const EVENT_ID = /^(\d{1,16})-(\d{1,16})$/;

/** Parses an id issued by the library; anything else (garbage, a foreign id) gives `undefined`. */
export function parseEventId(id: string | undefined | null): ParsedEventId | undefined {
  if (typeof id !== 'string') return undefined;
  const match = EVENT_ID.exec(id);
  if (!match) return undefined;
  const epoch = Number(match[1]);
  const sequence = Number(match[2]);
  if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(sequence)) return undefined;
  return { epoch, sequence };
}

/** Orders two parsed ids: negative when `a` came first. */
export function compareEventIds(a: ParsedEventId, b: ParsedEventId): number {
  return a.epoch - b.epoch || a.sequence - b.sequence;
}

/** Formats an id from its parts. */
export function formatEventId(epoch: number, sequence: number): string {
  return `${epoch}-${sequence}`;
}

/**
 * An event id as a stream carries it: `<channel>/<position>` on an event, where the position is an
 * id of the shape above, or a bare position (the cursor a stream opens with). The browser runtime
 * reads the channel to route an event; the server reads the position to resume.
 */
export interface StreamEventId {
  /** The event's channel; undefined for a bare cursor. */
  channel: string | undefined;
  /** The position part, unparsed. */
  position: string;
}

/** Splits a stream event id at its first `/` (channel names never contain one). */
export function splitStreamEventId(id: string): StreamEventId {
  const slash = id.indexOf('/');
  return slash === -1
    ? { channel: undefined, position: id }
    : { channel: id.slice(0, slash), position: id.slice(slash + 1) };
}

/** The id an event carries on a stream: `<channel>/<position>`. */
export function formatStreamEventId(channel: string, position: string): string {
  return `${channel}/${position}`;
}

/**
 * The position a client's cursor names: a bare position or the position part of a
 * `<channel>/<position>` id (positions are ordered across channels, so the channel part is not
 * needed to resume). Anything else gives `undefined`: an unknown cursor, never an error.
 */
export function cursorPosition(cursor: string | undefined | null): ParsedEventId | undefined {
  return typeof cursor === 'string' ? parseEventId(splitStreamEventId(cursor).position) : undefined;
}
