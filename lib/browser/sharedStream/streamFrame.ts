import type { EventStreamBlock } from '../../protocol/eventStreamParser';
import { CURSOR_EVENT } from '../../protocol/protocolEvents';
import { SKIP_TAB_COMMENT } from '../../protocol/tabExclusion';

/**
 * One block of the hub's stream, as the hub routes it. `id` is the id field of this block only
 * ('' when it had none), so a heartbeat without an id is never mistaken for an event of the
 * previous id's channel. A block with an id and no data, or the `sse:cursor` event, is a cursor:
 * it moves the position and fires no event.
 */
export interface StreamFrame {
  /** `cursor` for an id-only block or `sse:cursor`, `event` for a block with data. */
  kind: 'cursor' | 'event';
  /** Event type (`message` when the block named none). */
  type: string;
  data: string;
  id: string;
  /** Tabs this event is not for (`:sse-skip-tab <tab id>` comments in its block), if any. */
  skipTabs?: string[];
}

const SKIP_TAB_PREFIX = `${SKIP_TAB_COMMENT} `;

/** The frame a parsed block is for the hub, or undefined for a block that neither carries an event nor moves the position. */
export function streamFrameOf(block: EventStreamBlock): StreamFrame | undefined {
  const { type, data } = block;
  const id = block.id ?? '';
  let frame: StreamFrame;
  if (block.dispatched && type !== CURSOR_EVENT) frame = { kind: 'event', type, data, id };
  else if (block.id !== undefined) frame = { kind: 'cursor', type, data: '', id };
  else return undefined;
  for (const comment of block.comments) {
    if (!comment.startsWith(SKIP_TAB_PREFIX)) continue;
    frame.skipTabs ??= [];
    frame.skipTabs.push(comment.slice(SKIP_TAB_PREFIX.length));
  }
  return frame;
}
