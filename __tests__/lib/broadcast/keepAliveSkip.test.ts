import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EventStreamTarget, EventStreamWriter } from '../../../lib/broadcast/eventStreamWriter';
import { KeepAlive } from '../../../lib/broadcast/keepAlive';
import { encodeEvent } from '../../../lib/protocol/wireFormat';
import { ManualClock } from '../../support/manualClock';

const INTERVAL_MS = 1000;
const EVENT = encodeEvent({ event: 'update', data: 'x' });

/** One write a stream's response was given: heartbeat or event, and the clock's monotonic time. */
interface Written {
  heartbeat: boolean;
  at: number;
  /** Writes the response had been given before, in that same instant (a write's second half). */
  sameInstantAfter: Written | undefined;
}

/** A writer on a response that records its writes on `clock`. */
function recordedStream(clock: ManualClock): { writer: EventStreamWriter; writes: Written[] } {
  const writes: Written[] = [];
  const target: EventStreamTarget = {
    write(chunk: Buffer) {
      const at = clock.monotonic();
      const previous = writes.at(-1);
      writes.push({
        heartbeat: chunk.toString().startsWith('event: sse:heartbeat\n'),
        at,
        sameInstantAfter: previous?.at === at ? previous : undefined,
      });
      return true;
    },
    end: () => undefined,
    destroy: () => undefined,
    writableLength: 0,
    writableEnded: false,
    destroyed: false,
    on: () => undefined,
    off: () => undefined,
  };
  return { writer: new EventStreamWriter(target, 1024 * 1024), writes };
}

/** Writes `EVENT` to `writers` every `everyMs` until `untilMs` (monotonic), as a publisher would. */
function publishEvery(clock: ManualClock, writers: EventStreamWriter[], everyMs: number, untilMs: number): void {
  const tick = (): void => {
    for (const writer of writers) writer.write(EVENT, undefined, clock.now());
    if (clock.monotonic() + everyMs <= untilMs) clock.setTimeout(tick, everyMs);
  };
  clock.setTimeout(tick, everyMs);
}

const heartbeats = (writes: Written[]): Written[] => writes.filter((write) => write.heartbeat);
/** The longest time the stream went without any write, from `from` to `to`. */
function longestSilence(writes: Written[], from: number, to: number): number {
  let longest = 0;
  let last = from;
  for (const { at } of writes) {
    longest = Math.max(longest, at - last);
    last = at;
  }
  return Math.max(longest, to - last);
}

describe('KeepAlive writes heartbeats only where a stream is silent', () => {
  it('gives a busy stream no heartbeat write of its own, and a silent one exactly one per interval', () => {
    const clock = new ManualClock();
    const keepAlive = new KeepAlive({ intervalMs: INTERVAL_MS }, clock);
    const busy = Array.from({ length: 300 }, () => recordedStream(clock));
    const silent = Array.from({ length: 300 }, () => recordedStream(clock));
    for (const { writer } of [...busy, ...silent]) keepAlive.add(writer);
    // Events more often than the interval, on the busy streams only, for ten intervals.
    publishEvery(
      clock,
      busy.map(({ writer }) => writer),
      250,
      10 * INTERVAL_MS,
    );
    clock.advance(10 * INTERVAL_MS);

    for (const { writes } of silent) {
      // The first round starts about one interval after the first stream, then one a round: a
      // round is 2 % shorter than the interval, so no wait between two passes the interval.
      const beats = heartbeats(writes);
      expect(beats.length).toBeGreaterThanOrEqual(9);
      expect(beats.length).toBeLessThanOrEqual(10);
      const gaps = beats.slice(1).map((beat, n) => beat.at - beats[n]!.at);
      expect(Math.min(...gaps)).toBeGreaterThan(INTERVAL_MS * 0.9);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(INTERVAL_MS);
    }
    for (const { writes } of busy) {
      // Its heartbeat rides on an event: written in the same instant, right after it.
      const beats = heartbeats(writes);
      expect(beats.length).toBeGreaterThanOrEqual(8);
      expect(beats.length).toBeLessThanOrEqual(10);
      for (const beat of beats) expect(beat.sameInstantAfter?.heartbeat).toBe(false);
    }
    for (const { writer } of [...busy, ...silent]) keepAlive.delete(writer);
  });

  it('heartbeats a stream that falls silent within two intervals of its last event, then once per interval', () => {
    const clock = new ManualClock();
    const keepAlive = new KeepAlive({ intervalMs: INTERVAL_MS }, clock);
    const streams = Array.from({ length: 500 }, () => recordedStream(clock));
    for (const { writer } of streams) keepAlive.add(writer);
    const lastEventAt = 3 * INTERVAL_MS;
    publishEvery(
      clock,
      streams.map(({ writer }) => writer),
      100,
      lastEventAt,
    );
    clock.advance(10 * INTERVAL_MS);

    for (const { writes } of streams) {
      expect(longestSilence(writes, 0, 10 * INTERVAL_MS)).toBeLessThan(2 * INTERVAL_MS);
      const afterwards = heartbeats(writes).filter((beat) => beat.at > lastEventAt + 2 * INTERVAL_MS);
      // Rounds at about 4, 5 … 10 intervals: one each, with no event to ride on.
      expect(afterwards.length).toBeGreaterThanOrEqual(5);
      for (const beat of afterwards) expect(beat.sameInstantAfter).toBeUndefined();
    }
    for (const { writer } of streams) keepAlive.delete(writer);
  });

  it('at 0 events/s gives every stream its heartbeat within each interval', () => {
    const clock = new ManualClock();
    const keepAlive = new KeepAlive({ intervalMs: INTERVAL_MS }, clock);
    const streams = Array.from({ length: 2000 }, () => recordedStream(clock));
    for (const { writer } of streams) keepAlive.add(writer);
    clock.advance(7 * INTERVAL_MS);
    for (const { writes } of streams) {
      // The first round runs from one interval after the first stream to two; one round per interval since.
      const beats = heartbeats(writes);
      expect(beats.length).toBeGreaterThanOrEqual(5);
      expect(beats[0]!.at).toBeLessThanOrEqual(2 * INTERVAL_MS);
      expect(longestSilence(beats.slice(1), beats[0]!.at, 7 * INTERVAL_MS)).toBeLessThanOrEqual(INTERVAL_MS);
    }
    for (const { writes } of streams) expect(writes.every((write) => write.heartbeat)).toBe(true);
    for (const { writer } of streams) keepAlive.delete(writer);
    expect(clock.pending).toBe(0);
  });

  it('sends a carried heartbeat right behind the next event on a real socket, for every stream that carries one', async () => {
    const responses: ServerResponse[] = [];
    let opened: () => void = () => undefined;
    const allOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      responses.push(res);
      if (responses.length === 3) opened();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const bodies = Array.from(
      { length: 3 },
      () =>
        new Promise<string>((resolve, reject) => {
          get({ host: '127.0.0.1', port, path: '/' }, (res: IncomingMessage) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => resolve(text));
          }).on('error', reject);
        }),
    );
    await allOpen;
    const heartbeat = encodeEvent({ event: 'sse:heartbeat', data: '1' });
    const otherHeartbeat = encodeEvent({ event: 'sse:heartbeat', data: '2' });
    const writers = responses.map((res) => new EventStreamWriter(res, 1024 * 1024));
    // Two carry the same slice's heartbeat, one another slice's; one event goes to all three.
    writers[0]!.keepAlive(heartbeat, 1, true);
    writers[1]!.keepAlive(heartbeat, 1, true);
    writers[2]!.keepAlive(otherHeartbeat, 2, true);
    for (const writer of writers) writer.write(EVENT, undefined, 3);
    for (const writer of writers) writer.write(EVENT, undefined, 4);
    for (const writer of writers) writer.close();
    const texts = await Promise.all(bodies);
    server.close();

    const [event, beat1, beat2] = [EVENT, heartbeat, otherHeartbeat].map((frame) => frame.toString());
    expect(texts).toEqual([event + beat1 + event, event + beat1 + event, event + beat2 + event]);
    expect(writers.map((writer) => writer.eventsSent)).toEqual([3, 3, 3]);
  });
});
