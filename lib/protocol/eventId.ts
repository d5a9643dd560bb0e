/**
 * Positions: where an event sits in a bus's log, two non-negative integers, an epoch and a
 * sequence, ordered by epoch, then sequence. The epoch of the in-memory bus is its start time in
 * ms, so a cursor from before a restart is recognisably foreign; on Redis it is set by
 * `lib/redis/positionScripts.ts`.
 *
 * A position is written `<epoch>.<sequence>`, each part in base 62 (`base62.ts`), e.g.
 * `1Z3kq9b.4c`. Short because every event carries one in its id line, `id: <channel>/<position>`:
 * on channel `news` that line is at most 24 bytes on the memory bus and on one Redis (an epoch in
 * ms is 7 digits until 2081, a sequence up to 56.8 billion is 6) and 21 on a Redis Cluster (epoch
 * 0, a clock in microseconds in 9 digits). Comparisons go by the parsed numbers
 * ({@link compareEventIds}), never by the text.
 *
 * The decimal form `<epoch>-<sequence>` (every id before this format, and Redis's own stream entry
 * ids) is still read, as the same numbers: its `-` never occurs in the base-62 form, so it cannot
 * be misread, and it names the same position as before. A client that reconnects across the
 * upgrade with a decimal cursor therefore resumes exactly where history outlived the upgrade (on
 * Redis), and gets a gap where it did not (the memory bus restarted with a new epoch). Ids are
 * only ever issued in the base-62 form; a process of the earlier version reads one as unknown (a
 * gap), never as another position.
 */
import { fromBase62, toBase62 } from './base62';

/** A parsed position: both parts are non-negative safe integers. */
export interface ParsedEventId {
  epoch: number;
  sequence: number;
}

/** The base-62 form: 9 digits hold every safe integer. */
const COMPACT_ID = /^([0-9a-zA-Z]{1,9})\.([0-9a-zA-Z]{1,9})$/;
/** The decimal form, as issued before the base-62 form and as Redis writes entry ids: no leading zero. */
const DECIMAL_ID = /^(0|[1-9]\d{0,15})-(0|[1-9]\d{0,15})$/;

/** A parsed position from its two parts, when both are safe integers. */
function fromParts(epoch: number | undefined, sequence: number | undefined): ParsedEventId | undefined {
  if (epoch === undefined || sequence === undefined) return undefined;
  if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(sequence)) return undefined;
  return { epoch, sequence };
}

/**
 * Parses a position in either form (see the module comment); anything else (garbage, a foreign
 * id, a leading zero in either form, a part past `Number.MAX_SAFE_INTEGER`) gives `undefined`.
 */
export function parseEventId(id: string | undefined | null): ParsedEventId | undefined {
  if (typeof id !== 'string') return undefined;
  const compact = COMPACT_ID.exec(id);
  if (compact) return fromParts(fromBase62(compact[1]), fromBase62(compact[2]));
  const decimal = DECIMAL_ID.exec(id);
  return decimal ? fromParts(Number(decimal[1]), Number(decimal[2])) : undefined;
}

/** Orders two parsed positions: negative when `a` came first. */
export function compareEventIds(a: ParsedEventId, b: ParsedEventId): number {
  return a.epoch - b.epoch || a.sequence - b.sequence;
}

/** Whether position `a` comes after position `b`; false unless both parse. */
export function isPositionAfter(a: string, b: string): boolean {
  const left = parseEventId(a);
  const right = parseEventId(b);
  return left !== undefined && right !== undefined && compareEventIds(left, right) > 0;
}

/** Formats a position from its parts, in the base-62 form; throws a `RangeError` unless both are safe non-negative integers. */
export function formatEventId(epoch: number, sequence: number): string {
  return `${toBase62(epoch)}.${toBase62(sequence)}`;
}

/**
 * An event id as a stream carries it: `<channel>/<position>` on an event, where the position is
 * written as above, or a bare position (the cursor a stream opens with). The browser runtime
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
