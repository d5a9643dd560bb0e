import { connect, type Socket } from 'node:net';
import type { CloseReason } from '../../lib/broadcast/eventStreamWriter';
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
