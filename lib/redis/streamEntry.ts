import type { BusDelivery, BusMessage } from '../broadcast/eventLog';
import { formatStreamEventId } from '../protocol/eventId';
import { encodeEvent } from '../protocol/wireFormat';
import { positionOfEntry } from './entryIds';
import { KEY_FIELD } from './redisKeys';

/** One stream entry as node-redis returns it. */
export interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

/**
 * The fields of a channel's stream entry: `d` data, `e` event type, `s` the key, `x` excluded
 * connection ids (JSON); the bus adds `t`, the publish time in ms. Short names because every entry
 * of every channel carries them (the table of every field is in `redisKeys.ts`).
 */
export function toStreamFields(message: BusMessage): Record<string, string> {
  const fields: Record<string, string> = { d: message.data };
  if (message.event !== undefined) fields.e = message.event;
  if (message.key !== undefined) fields[KEY_FIELD] = message.key;
  if (message.exclude && message.exclude.length > 0) fields.x = JSON.stringify(message.exclude);
  return fields;
}

/** An entry of `channel`'s stream as a delivery: its entry id names the position, `<channel>/<position>` the SSE id. */
export function fromStreamEntry(channel: string, entry: StreamEntry): BusDelivery {
  const { d: data = '', e: event, x, [KEY_FIELD]: key } = entry.message;
  const exclude = x === undefined ? undefined : (JSON.parse(x) as string[]);
  const id = positionOfEntry(entry.id);
  const frame = encodeEvent({ event, data, id: formatStreamEventId(channel, id) });
  return { channel, event, data, key, exclude, id, frame };
}
