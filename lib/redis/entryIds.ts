/**
 * The one place where Redis stream entry ids and positions meet. Redis takes and returns entry
 * ids only in its decimal form, `<ms>-<n>` (`XADD`, `XREAD`, `XRANGE`, the Lua scripts of
 * `positionScripts.ts`), while SSE ids and cursors carry positions in the base-62 form of
 * `lib/protocol/eventId.ts`. Both name the same two numbers, so each way is a parse and a format.
 */
import { formatEventId, parseEventId } from '../protocol/eventId';

/**
 * The position an entry id (or a position in either form) names, in the form SSE ids carry. Text
 * that is neither is returned as it is: Redis only ever answers with entry ids.
 */
export function positionOfEntry(entryId: string): string {
  const parsed = parseEventId(entryId);
  return parsed ? formatEventId(parsed.epoch, parsed.sequence) : entryId;
}

/** The Redis entry id of a position in either form, or `undefined` when it is not one. */
export function entryIdOf(position: string): string | undefined {
  const parsed = parseEventId(position);
  return parsed && `${parsed.epoch}-${parsed.sequence}`;
}
