/**
 * Where a stream starts and what it replays. A cursor is a position (or `<channel>/<position>`,
 * an event's id), which restores every channel of the stream from that one point, or a cursor per
 * channel (`channelCursor.ts`), which restores each channel from its own. For each channel the
 * events after its starting point are replayed, or that channel alone gets a gap event. The stream
 * then carries exactly the events of its channels after their starting points, none twice.
 */
import { formatChannelCursor, parseChannelCursor } from '../protocol/channelCursor';
import { compareEventIds, cursorPosition, formatEventId, formatStreamEventId, parseEventId } from '../protocol/eventId';
import { encodeCursor, encodeGap } from '../protocol/wireFormat';
import type { EventLog, ReplayResult, StoredEvent } from './eventLog';
import type { HeldFrame } from './frameQueue';

/** How a stream starts, once its history has been read. */
export interface StreamStart {
  /**
   * The frames to write first: the stream's starting cursor (`sse:cursor`), the gap events, then
   * the replayed and the `held` live events after each channel's starting point, in position
   * order, each once, and last the held frames that carry no position (keep-alives, direct messages).
   */
  merge(held: readonly HeldFrame[]): HeldFrame[];
  /** How many events were read from history for the stream (the replay, before live ones join). */
  readonly replayed: number;
  /** How many of its channels got a gap event. */
  readonly gaps: number;
  /**
   * Each channel's starting point, when the stream carries a cursor per channel (see
   * {@link startStream}'s `perChannel`); the stream moves each on as it writes that channel's events.
   */
  readonly positions: Map<string, string> | undefined;
}

/** A channel whose history cannot be read gets a gap: the client resyncs instead of waiting. */
function readOrGap(log: EventLog, channel: string, after: string): Promise<ReplayResult> {
  return log.read(channel, after).catch((): ReplayResult => ({ kind: 'gap', latestId: undefined }));
}

function gapFrame(channel: string, lastEventId: string, result: ReplayResult & { kind: 'gap' }): HeldFrame {
  const latestId = result.latestId === undefined ? null : formatStreamEventId(channel, result.latestId);
  return { frame: encodeGap({ channel, lastEventId, latestId }) };
}

/** Where each channel starts: the position it resumes after, and what its history answered. */
interface ChannelStart {
  after: string;
  result: ReplayResult;
}

/**
 * One cursor for every channel. It is kept when some channel can resume from it; else every
 * channel starts at the log's current position (a channel with a cursor it cannot resume gets a gap).
 */
async function fromOnePosition(
  log: EventLog,
  channels: readonly string[],
  cursor: string | undefined,
): Promise<{ starts: ChannelStart[]; gaps: HeldFrame[] }> {
  const parsed = cursorPosition(cursor);
  const asked = parsed ? formatEventId(parsed.epoch, parsed.sequence) : cursor;
  const resumed = asked === undefined ? undefined : await Promise.all(channels.map((c) => readOrGap(log, c, asked)));
  const gaps: HeldFrame[] = [];
  resumed?.forEach((result, index) => {
    if (result.kind === 'gap') gaps.push(gapFrame(channels[index]!, cursor ?? '', result));
  });
  if (parsed && resumed?.some((result) => result.kind === 'events'))
    return { starts: resumed.map((result) => ({ after: asked!, result })), gaps };
  // Nothing to resume from: start now. Reading from there still matters on a shared bus,
  // whose live feed of a newly followed channel may begin later than this position.
  const now = await log.position();
  const results = await Promise.all(channels.map((channel) => readOrGap(log, channel, now)));
  results.forEach((result, index) => {
    if (!resumed && result.kind === 'gap') gaps.push(gapFrame(channels[index]!, '', result));
  });
  return { starts: results.map((result) => ({ after: now, result })), gaps };
}

/**
 * A cursor per channel: each channel resumes after its own position; one the cursor does not name
 * (new to the stream) or cannot resume (a gap event) starts at the log's current position.
 */
async function fromEachPosition(
  log: EventLog,
  channels: readonly string[],
  cursor: string,
  positions: ReadonlyMap<string, string>,
): Promise<{ starts: ChannelStart[]; gaps: HeldFrame[] }> {
  const resumed = await Promise.all(
    channels.map((channel) => {
      const after = positions.get(channel);
      return after === undefined ? undefined : readOrGap(log, channel, after);
    }),
  );
  const gaps: HeldFrame[] = [];
  const fresh = resumed.some((result) => result?.kind !== 'events') ? await log.position() : '';
  const starts = await Promise.all(
    channels.map(async (channel, index): Promise<ChannelStart> => {
      const result = resumed[index];
      if (result?.kind === 'events') return { after: positions.get(channel)!, result };
      if (result) gaps.push(gapFrame(channel, cursor, result));
      return { after: fresh, result: await readOrGap(log, channel, fresh) };
    }),
  );
  return { starts, gaps };
}

/**
 * Reads where a stream on `channels` starts (see the module comment). With `perChannel` (several
 * channels on a log that may hand them over out of position order), or when the client sent a
 * cursor per channel, the stream opens with a cursor per channel and reports each channel's
 * starting point in `positions`; otherwise it opens with one position. `present` gives the frame
 * the stream gets for each replayed event (its view's rendering; undefined leaves it out).
 */
export async function startStream(
  log: EventLog,
  channels: readonly string[],
  cursor: string | undefined,
  perChannel: boolean,
  present?: (event: StoredEvent & { channel: string }) => Buffer | undefined,
): Promise<StreamStart> {
  const vector = parseChannelCursor(cursor);
  const { starts, gaps } = vector
    ? await fromEachPosition(log, channels, cursor!, vector)
    : await fromOnePosition(log, channels, cursor);
  const afterOf = new Map(channels.map((channel, index) => [channel, starts[index]!.after]));
  const tracked = (perChannel || vector !== undefined) && channels.length > 1;
  const opening = tracked ? formatChannelCursor(afterOf) : starts[0]!.after;
  const replayed: HeldFrame[] = starts.flatMap(({ result }, index) => {
    if (result.kind !== 'events') return [];
    const channel = channels[index]!;
    return result.events.flatMap((event) => {
      const frame = present ? present({ ...event, channel }) : event.frame;
      return frame ? [{ ...event, frame, channel }] : [];
    });
  });
  return {
    replayed: replayed.length,
    gaps: gaps.length,
    positions: tracked ? afterOf : undefined,
    merge(held) {
      const byPosition = new Map<string, HeldFrame>();
      const unordered: HeldFrame[] = [];
      for (const frame of [...replayed, ...held]) {
        if (frame.id === undefined) unordered.push(frame);
        else byPosition.set(`${frame.channel ?? ''}/${frame.id}`, frame);
      }
      const events = [...byPosition.values()]
        .map((frame) => ({ frame, position: parseEventId(frame.id), after: parseEventId(afterOf.get(frame.channel!)) }))
        .filter(
          ({ position, after }) =>
            position !== undefined && after !== undefined && compareEventIds(position, after) > 0,
        )
        .sort((a, b) => compareEventIds(a.position!, b.position!))
        .map(({ frame }) => frame);
      return [{ frame: encodeCursor(opening) }, ...gaps, ...events, ...unordered];
    },
  };
}
