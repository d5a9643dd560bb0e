/**
 * What an open stream is told when Redis lost a channel's history under it. On one Redis every
 * position carries the epoch of the bus's position counter (`positionScripts.ts`), and only a Redis
 * that lost its data (restarted without persistence, flushed, failed over to a replica without it)
 * starts a new one. The live feed resumes after the last entry it read, so entries the old Redis
 * stored, and acknowledged, after that one are never read: when a channel's feed goes on in a new
 * epoch, its streams get a gap event first (the bus also looks for a new epoch as soon as its
 * connection comes back, so the gap does not wait for the channel's next event). Whether any entry
 * was missed cannot be known, since the Redis that had them is gone, so the gap is sent whenever
 * the epoch changes.
 */
import type { BusDelivery } from '../broadcast/eventLog';
import { formatEventId, formatStreamEventId, parseEventId } from '../protocol/eventId';
import { GAP_EVENT, type GapEventData } from '../protocol/protocolEvents';
import { encodeGap } from '../protocol/wireFormat';
import { positionOfEntry } from './entryIds';

/**
 * The gap event to deliver on `channel` between `previousId`, the last id its live feed read, and
 * `nextId` (entry ids or positions), or undefined when both are of one epoch. `nextId` is the first
 * entry read in the new epoch, or the epoch's start (sequence 0) when the new epoch is noticed before any entry (the
 * gap's `latestId` is then null). The gap's position is the new epoch's 0, before every event of
 * that epoch: a stream that holds live events behind its replay orders it with them, and one that
 * starts in the new epoch drops it (its replay already answered for the old one). Epoch 0 is never
 * left: it is a cluster's clocked positions (a channel's feed on one Redis starts at the bus's
 * position even on an empty stream, so it always has an epoch: `streamFollows.ts`).
 */
export function lostHistoryGap(channel: string, previousId: string, nextId: string): BusDelivery | undefined {
  const previous = parseEventId(previousId);
  const next = parseEventId(nextId);
  if (!previous || !next || previous.epoch === 0 || previous.epoch === next.epoch) return undefined;
  const gap: GapEventData = {
    channel,
    lastEventId: formatStreamEventId(channel, positionOfEntry(previousId)),
    latestId: next.sequence === 0 ? null : formatStreamEventId(channel, positionOfEntry(nextId)),
  };
  return {
    channel,
    event: GAP_EVENT,
    data: JSON.stringify(gap),
    id: formatEventId(next.epoch, 0),
    frame: encodeGap(gap),
  };
}
