/**
 * A cursor that names a position per channel: `<channel>=<position>,<channel>=<position>…`.
 *
 * A stream of several channels carries it when its backend may hand over different channels'
 * events out of position order (a Redis Cluster reads its buckets apart): the id of the last event
 * then does not tell where the other channels stand, so after each write the server sends a cursor
 * event (`sse:cursor`) whose id is this cursor, and a client that reconnects with it resumes every
 * channel after its own last event, exactly. Channel names never hold `=` or `,`, and positions
 * are those of `eventId.ts`, so it is told apart from `<channel>/<position>` and a bare position.
 */
import { CHANNEL_NAME_PATTERN } from './channelNamePattern';
import { parseEventId } from './eventId';

/** More entries than any stream may carry are not a cursor the server issued. */
const MAX_ENTRIES = 1024;

/** Formats the cursor of `positions` (channel → position), in the map's order. */
export function formatChannelCursor(positions: ReadonlyMap<string, string>): string {
  let cursor = '';
  for (const [channel, position] of positions) cursor += `${cursor ? ',' : ''}${channel}=${position}`;
  return cursor;
}

/**
 * Reads a cursor of {@link formatChannelCursor}: channel → position. Anything else (a bare
 * position, `<channel>/<position>`, garbage, a repeated channel, a position the library never
 * issues) gives `undefined`.
 */
export function parseChannelCursor(cursor: string | undefined | null): Map<string, string> | undefined {
  if (typeof cursor !== 'string' || !cursor.includes('=')) return undefined;
  const entries = cursor.split(',');
  if (entries.length > MAX_ENTRIES) return undefined;
  const positions = new Map<string, string>();
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    const channel = entry.slice(0, equals);
    const position = entry.slice(equals + 1);
    if (!CHANNEL_NAME_PATTERN.test(channel) || positions.has(channel) || !parseEventId(position)) return undefined;
    positions.set(channel, position);
  }
  return positions;
}
