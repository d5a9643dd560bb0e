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
