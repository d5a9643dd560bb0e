import { type ClientRequest, get, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { CloseReason } from '../../lib/broadcast/eventStreamWriter';
import { EventStreamParser } from '../../lib/protocol/eventStreamParser';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

const CAP = 1024 * 1024;
const EVENT_BYTES = 64 * 1024;
const EVENTS = 800; // 800 x 64 KiB = 50 MiB
const WINDOW = 8; // the healthy client may lag this many events (512 KiB, under the cap)

describe('a client that never reads', () => {
  let server: TestServer<undefined>;
  let stalled: Socket;
  let healthy: RecordingEventSource;
  afterEach(async () => {
    stalled?.destroy();
    healthy?.close();
    await server.close();
  });

  it('is held to maxBufferedBytes, then evicted, while a healthy client gets every event', async () => {
    server = await startTestServer({}, { maxBufferedBytes: CAP, history: { size: 16 } });
    const connected: string[] = [];
    server.broadcaster.on('connect', (info) => connected.push(info.id));
    const closes = new Map<string, CloseReason>();
    server.broadcaster.on('disconnect', (info, reason) => closes.set(info.id, reason));

    const { port } = new URL(server.url);
    stalled = connect(Number(port), '127.0.0.1');
    stalled.on('error', () => {}); // the server resets it when evicting
    stalled.write('GET /sse/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    stalled.pause(); // and never read again
    await new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
    const stalledId = connected[0];

    healthy = new RecordingEventSource(`${server.url}/sse/feed`);
    await healthy.opened();

    const payload = 'x'.repeat(EVENT_BYTES - 20);
    let maxBuffered = 0;
    for (let i = 0; i < EVENTS; i += 1) {
      if (i >= WINDOW) await healthy.received(i - WINDOW + 1);
      await server.broadcaster.publish('feed', { data: `${i} ${payload}` });
      const stalledInfo = server.broadcaster.connections('feed').find((info) => info.id === stalledId);
      if (stalledInfo) maxBuffered = Math.max(maxBuffered, stalledInfo.bufferedBytes);
    }
    await healthy.received(EVENTS);

    expect(closes.get(stalledId)).toBe('evicted');
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(CAP);
    expect(server.broadcaster.stats().evictions).toBe(1);
    const received = healthy.data();
    expect(received).toHaveLength(EVENTS);
    expect(
      received.every((data, i) => data.startsWith(`${i} `) && data.length === payload.length + String(i).length + 1),
    ).toBe(true);
    expect(server.broadcaster.connections('feed').map((info) => info.id)).not.toContain(stalledId);
  });
});

describe('a client that stops reading a channel of latest-value figures', () => {
  const FIGURES = 4;
  const ROUNDS = 160; // 160 x 4 x 64 KiB = 40 MiB of figures, far past what the kernel and the cap hold
  let server: TestServer<undefined>;
  let stalled: ClientRequest | undefined;
  let healthy: RecordingEventSource;
  afterEach(async () => {
    stalled?.destroy();
    healthy?.close();
    await server.close();
  });

  it('keeps it within maxBufferedBytes without evicting it, and gives it the latest of each figure and every note when it reads again', async () => {
    server = await startTestServer({}, { maxBufferedBytes: CAP, history: { size: 16 } });
    const closes: CloseReason[] = [];
    server.broadcaster.on('disconnect', (_info, reason) => closes.push(reason));
    const connected = new Promise<string>((resolve) => server.broadcaster.once('connect', (info) => resolve(info.id)));
    const response = new Promise<IncomingMessage>((resolve) => {
      stalled = get(`${server.url}/sse/figures`, { headers: { accept: 'text/event-stream' } }, resolve);
    });
    const stalledResponse = await response;
    stalledResponse.pause(); // and stop reading
    const stalledId = await connected;
    healthy = new RecordingEventSource(`${server.url}/sse/figures`, ['note']);
    await healthy.opened();

    const payload = 'x'.repeat(EVENT_BYTES - 40);
    let maxBuffered = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round >= WINDOW) await healthy.received(round - WINDOW + 1, 'note');
      for (let figure = 0; figure < FIGURES; figure += 1)
        await server.broadcaster.publish('figures', { key: `figure-${figure}`, data: `${figure} ${round} ${payload}` });
      await server.broadcaster.publish('figures', { event: 'note', data: String(round) });
      const info = server.broadcaster.connections('figures').find((candidate) => candidate.id === stalledId);
      maxBuffered = Math.max(maxBuffered, info?.bufferedBytes ?? 0);
    }
    expect(server.broadcaster.connections('figures').map((info) => info.id)).toContain(stalledId);
    expect(maxBuffered).toBeLessThanOrEqual(CAP);

    // Reading again, it catches up: every note once and in order, each figure only moving forward to its last round.
    const parser = new EventStreamParser();
    const notes: string[] = [];
    const figures = new Map<string, number[]>();
    const caughtUp = new Promise<void>((resolve) => {
      stalledResponse.on('data', (bytes: Buffer) => {
        for (const block of parser.push(bytes)) {
          if (block.type === 'note') notes.push(block.data);
          if (!block.dispatched || block.type !== 'message') continue;
          const [figure, round] = block.data.split(' ');
          figures.set(figure!, [...(figures.get(figure!) ?? []), Number(round)]);
        }
        if (notes.length === ROUNDS) resolve();
      });
    });
    stalledResponse.resume();
    await caughtUp;

    expect(notes).toEqual(Array.from({ length: ROUNDS }, (_, round) => String(round)));
    expect([...figures.keys()].sort()).toEqual(['0', '1', '2', '3']);
    for (const rounds of figures.values()) {
      expect(rounds.at(-1)).toBe(ROUNDS - 1);
      expect(rounds.every((round, index) => index === 0 || round > rounds[index - 1]!)).toBe(true);
    }
    // What waited for it was compacted: fewer figures than were published.
    expect([...figures.values()].reduce((sum, rounds) => sum + rounds.length, 0)).toBeLessThan(FIGURES * ROUNDS);
    expect(closes).toEqual([]);
    expect(server.broadcaster.stats().evictions).toBe(0);
  });
});
