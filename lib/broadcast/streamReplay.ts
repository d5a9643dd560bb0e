/**
 * Where a stream starts and what it replays. One cursor restores every channel of a stream,
 * because positions are ordered across the whole bus: for each channel, the events after the
 * cursor's position are replayed, or that channel alone gets a gap event. The stream then carries
 * exactly the events of its channels after its starting position, in position order, none twice.
 */
import { compareEventIds, cursorPosition, formatEventId, formatStreamEventId, parseEventId } from '../protocol/eventId';
import { encodeCursor, encodeGap } from '../protocol/wireFormat';
import type { EventLog, ReplayResult } from './eventLog';
import type { HeldFrame } from './eventStreamWriter';

/** How a stream starts, once its history has been read. */
export interface StreamStart {
  /**
   * The frames to write first: the stream's starting position as a lone `id:`, the gap events,
   * then the replayed and the `held` live events after that position, in position order, each
   * once, and last the held frames that carry no position (keep-alives, direct messages).
   */
  merge(held: readonly HeldFrame[]): HeldFrame[];
  /** How many events were read from history for the stream (the replay, before live ones join). */
  readonly replayed: number;
  /** How many of its channels got a gap event. */
  readonly gaps: number;
}

function replayAll(log: EventLog, channels: readonly string[], cursor: string): Promise<ReplayResult[]> {
  return Promise.all(
    channels.map((channel) =>
      // A channel whose history cannot be read gets a gap: the client resyncs instead of waiting.
      log.read(channel, cursor).catch((): ReplayResult => ({ kind: 'gap', latestId: undefined })),
    ),
  );
}

function gapFrames(channels: readonly string[], lastEventId: string, results: readonly ReplayResult[]): HeldFrame[] {
  const frames: HeldFrame[] = [];
  results.forEach((result, index) => {
    if (result.kind !== 'gap') return;
    const channel = channels[index];
    const latestId = result.latestId === undefined ? null : formatStreamEventId(channel, result.latestId);
    frames.push({ frame: encodeGap({ channel, lastEventId, latestId }) });
  });
  return frames;
}

/**
 * Reads where a stream on `channels` starts: the client's cursor when some channel can resume from
 * it, else the log's current position; then each channel's events after it, or its gap event.
 */
export async function startStream(
  log: EventLog,
  channels: readonly string[],
  cursor: string | undefined,
): Promise<StreamStart> {
  const parsed = cursorPosition(cursor);
  const asked = parsed ? formatEventId(parsed.epoch, parsed.sequence) : cursor;
  const resumed = asked === undefined ? undefined : await replayAll(log, channels, asked);
  const gaps = resumed ? gapFrames(channels, cursor ?? '', resumed) : [];
  let start = asked;
  let results = resumed;
  if (!parsed || !resumed?.some((result) => result.kind === 'events')) {
    // Nothing to resume from: start now. Reading from there still matters on a shared bus,
    // whose live feed of a newly followed channel may begin later than this position.
    start = await log.position();
    results = await replayAll(log, channels, start);
    if (!resumed) gaps.push(...gapFrames(channels, '', results));
  }
  const after = parseEventId(start);
  const replayed = results!.flatMap((result) => (result.kind === 'events' ? result.events : []));
  return {
    replayed: replayed.length,
    gaps: gaps.length,
    merge(held) {
      const byPosition = new Map<string, HeldFrame>();
      const unordered: HeldFrame[] = [];
      for (const frame of [...replayed, ...held]) {
        if (frame.id === undefined) unordered.push(frame);
        else byPosition.set(frame.id, frame);
      }
      const events = [...byPosition.values()]
        .map((frame) => ({ frame, position: parseEventId(frame.id) }))
        .filter(({ position }) => position !== undefined && after !== undefined && compareEventIds(position, after) > 0)
        .sort((a, b) => compareEventIds(a.position!, b.position!))
        .map(({ frame }) => frame);
      return [{ frame: encodeCursor(start!) }, ...gaps, ...events, ...unordered];
    },
  };
}
