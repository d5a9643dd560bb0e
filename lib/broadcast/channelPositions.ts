import { formatChannelCursor } from '../protocol/channelCursor';
import { compareEventIds, parseEventId } from '../protocol/eventId';
import { encodeCursor } from '../protocol/wireFormat';

/**
 * Each channel's last position a stream wrote, for a stream that carries a cursor per channel
 * (`channelCursor.ts`): what its `sse:cursor` events name, and what it must not write again.
 */
export class ChannelPositions {
  readonly #positions: Map<string, string>;

  /** @param start - every channel of the stream, at the position it starts after. */
  constructor(start: Map<string, string>) {
    this.#positions = start;
  }

  /** Whether the event `id` of `channel` is at or before what the stream has written of that channel. */
  written(channel: string | undefined, id: string | undefined): boolean {
    if (channel === undefined || id === undefined) return false;
    const position = parseEventId(id);
    const last = parseEventId(this.#positions.get(channel));
    return position !== undefined && last !== undefined && compareEventIds(position, last) <= 0;
  }

  /** `channel` was written up to `id`; true when that moved the cursor (an event of one of its channels). */
  advance(channel: string | undefined, id: string | undefined): boolean {
    if (channel === undefined || id === undefined || !this.#positions.has(channel) || !parseEventId(id)) return false;
    this.#positions.set(channel, id);
    return true;
  }

  /** The `sse:cursor` event whose id names every channel's position. */
  cursorFrame(): Buffer {
    return encodeCursor(formatChannelCursor(this.#positions));
  }
}
