import { withDeadline } from '../../lib/async/deadline';
import { splitStreamEventId } from '../../lib/protocol/eventId';
import type { ReceivedEvent } from '../../lib/testing/testStream';
import { openTestStream, type StopCondition, type TestStream } from '../../lib/testing/testStream';

/** How long a stream may take to show what a test waits for. */
export const STREAM_WAIT_MS = 10_000;

/** The events of a stream, one a line, for a failure message. */
export function describeEvents(events: readonly ReceivedEvent[]): string {
  if (events.length === 0) return '  (none)';
  return events.map((event) => `  ${event.type} ${JSON.stringify(event.data)} id=${event.lastEventId}`).join('\n');
}

/** Waits (bounded) until `until` holds on `stream`; on a timeout or an end, throws with what the stream had. */
export async function expectOn(stream: TestStream, until: StopCondition, what: string): Promise<void> {
  const { reason } = await stream.waitFor(until, { timeoutMs: STREAM_WAIT_MS });
  if (reason === 'count' || reason === 'predicate') return;
  throw new Error(
    `${what}: ${reason === 'timeout' ? `not within ${STREAM_WAIT_MS} ms` : 'the stream ended first'}; it had:\n${describeEvents(stream.events)}`,
  );
}

/** The path of a stream on `channels` under the default `/sse` prefix, with `query`'s fields and `?lastEventId=` when given. */
export function streamPath(
  channels: readonly string[],
  lastEventId?: string,
  query: Readonly<Record<string, string>> = {},
): string {
  const base = channels.length === 1 ? `/sse/${channels[0]}` : `/sse?channels=${channels.join(',')}`;
  const params = new URLSearchParams(query);
  if (lastEventId !== undefined) params.set('lastEventId', lastEventId);
  const search = params.toString();
  return search === '' ? base : `${base}${channels.length === 1 ? '?' : '&'}${search}`;
}

/**
 * Opens a stream on `channels` at `url` (with `Last-Event-ID: cursor`, or the cursor in the query)
 * and resolves once it has started: its position, replay and gaps are decided (its
 * `sse:connection` event came), so every event published from now on is owed to it.
 */
export async function openStarted(
  url: string,
  channels: readonly string[],
  cursor?: { lastEventId: string; in: 'header' | 'query' },
  query?: Readonly<Record<string, string>>,
): Promise<TestStream> {
  const stream = await openTestStream(url, {
    path: streamPath(channels, cursor?.in === 'query' ? cursor.lastEventId : undefined, query),
    lastEventId: cursor?.in === 'header' ? cursor.lastEventId : undefined,
  });
  // The opening events set `connectionId` and are not events a waiter sees: look for it, bounded.
  const deadline = Date.now() + STREAM_WAIT_MS;
  while (stream.connectionId === undefined && !stream.ended && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 2));
  if (stream.connectionId === undefined) {
    await stream.close();
    throw new Error(
      `the stream on ${channels.join(',')} at ${url} did not start within ${STREAM_WAIT_MS} ms; it had:\n${describeEvents(stream.events)}`,
    );
  }
  return stream;
}

/** The app events (`message` and named ones, not the library's `sse:` ones) a stream got on `channel`, as `data`. */
export function dataOn(events: readonly ReceivedEvent[], channel: string): string[] {
  return events
    .filter((event) => !event.type.startsWith('sse:') && splitStreamEventId(event.lastEventId).channel === channel)
    .map((event) => event.data);
}

/** The `sse:gap` events' data, parsed. */
export function gapsIn(
  events: readonly ReceivedEvent[],
): { channel: string; lastEventId: string; latestId: string | null }[] {
  return events.filter((event) => event.type === 'sse:gap').map((event) => JSON.parse(event.data));
}

/** Resolves with `promise`, or fails after {@link STREAM_WAIT_MS} naming `what` and listing the events `seen` then. */
export function within<T>(promise: Promise<T>, what: string, seen: () => readonly ReceivedEvent[]): Promise<T> {
  return withDeadline(
    promise,
    STREAM_WAIT_MS,
    () => new Error(`${what}: not within ${STREAM_WAIT_MS} ms; the client had:\n${describeEvents(seen())}`),
  );
}
