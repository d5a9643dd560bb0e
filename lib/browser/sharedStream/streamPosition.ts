import { isPositionAfter, parseEventId, splitStreamEventId } from '../../protocol/eventId';

/**
 * The position part of a cursor or stream event id (`<channel>/<position>` or a bare position),
 * or '' when it is not one the library issues (such a cursor is treated as none).
 */
export function positionOf(cursorOrId: string): string {
  const { position } = splitStreamEventId(cursorOrId);
  return parseEventId(position) ? position : '';
}

/** The later of two positions ('' counts as earliest). */
export function laterPosition(a: string, b: string): string {
  return isAfter(b, a) ? b : a;
}

/** Whether position `a` comes after position `b` ('' comes before every position). */
export function isAfter(a: string, b: string): boolean {
  return parseEventId(b) === undefined ? parseEventId(a) !== undefined : isPositionAfter(a, b);
}
