import { connect, type Socket } from 'node:net';
import type { CloseReason } from '../../index';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

const MiB = 1024 * 1024;
const CAP = MiB; // maxBufferedBytes
const REPLAYED = 2600; // 2,600 events of 2 KiB: a replay of over 5 MiB, five times the cap
const LIVE = 20;

describe('a catch-up larger than maxBufferedBytes', () => {
  let server: TestServer<undefined>;
  let client: RecordingEventSource | undefined;
  let stalled: Socket | undefined;
  beforeEach(async () => {
    server = await startTestServer({}, { maxBufferedBytes: CAP, history: { size: 5000, maxBytes: 8 * MiB } });
  });
  afterEach(async () => {
    client?.close();
    stalled?.destroy();
    await server.close();
  });

  async function publishReplay(): Promise<string> {
    const cursor = (await server.broadcaster.publish('feed', { data: 'before' })).id;
    const pad = 'r'.repeat(2048);
    for (let i = 0; i < REPLAYED; i += 1) await server.broadcaster.publish('feed', { data: `replayed ${i} ${pad}` });
    return cursor;
  }

  it('reaches a reading client whole and in order, followed by the live events queued behind it', async () => {
    const cursor = await publishReplay();
    const closes: CloseReason[] = [];
    server.broadcaster.on('disconnect', (_info, reason) => closes.push(reason));
    // Published the moment the stream registers, while its replay is still to be written.
    server.broadcaster.once('connect', () => {
      for (let i = 0; i < LIVE; i += 1) void server.broadcaster.publish('feed', { data: `live ${i}` });
    });
    client = new RecordingEventSource(`${server.url}/sse/feed`, ['sse:gap'], { 'Last-Event-ID': cursor });
    await client.received(REPLAYED + LIVE);
    const labels = client.data().map((data) => data.split(' ').slice(0, 2).join(' '));
    const expected = [
      ...Array.from({ length: REPLAYED }, (_, i) => `replayed ${i}`),
      ...Array.from({ length: LIVE }, (_, i) => `live ${i}`),
    ];
    expect(labels).toEqual(expected);
    expect(client.data('sse:gap')).toEqual([]);
    expect(closes).toEqual([]);
    // Live again after the catch-up.
    await server.broadcaster.publish('feed', { data: 'after' });
    await client.received(REPLAYED + LIVE + 1);
    expect(client.data().at(-1)).toBe('after');
  });

  it('still evicts a client that never reads, without buffering past the cap', async () => {
    const cursor = await publishReplay();
    const closed = new Promise<CloseReason>((resolve) =>
      server.broadcaster.once('disconnect', (_info, reason) => resolve(reason)),
    );
    let open = true;
    void closed.then(() => {
      open = false;
    });
    const connected = new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
    const { port } = new URL(server.url);
    stalled = connect(Number(port), '127.0.0.1');
    stalled.on('error', () => {}); // the server resets it when evicting
    stalled.write(`GET /sse/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: ${cursor}\r\n\r\n`);
    stalled.pause(); // and never read
    await connected;
    const payload = 'l'.repeat(64 * 1024);
    let maxBuffered = 0;
    // Up to 50 MiB of live events: more than the kernel's socket buffers, the replay and the cap together.
    for (let i = 0; i < 800 && open; i += 1) {
      await server.broadcaster.publish('feed', { data: payload });
      for (const info of server.broadcaster.connections('feed'))
        maxBuffered = Math.max(maxBuffered, info.bufferedBytes);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(await closed).toBe('evicted');
    expect(maxBuffered).toBeLessThanOrEqual(CAP);
  });
});
