import { MemoryBus } from '../../lib/broadcast/memoryBus';
import { cursorPosition } from '../../lib/protocol/eventId';
import { GAP_EVENT } from '../../lib/protocol/protocolEvents';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';
import { wrappedBus } from '../support/wrappedBus';

describe('replay from Last-Event-ID', () => {
  let server: TestServer<undefined>;
  const clients: RecordingEventSource[] = [];
  beforeEach(async () => {
    server = await startTestServer({}, { history: { size: 30 } });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  /** Connects, receives one event, disconnects; returns the id to resume from. */
  async function firstVisit(): Promise<string> {
    const client = new RecordingEventSource(`${server.url}/sse/feed`);
    clients.push(client);
    await client.opened();
    await server.broadcaster.publish('feed', { data: 'before' });
    await client.received(1);
    client.close();
    await waitForNoConnections();
    return client.events[0].lastEventId;
  }

  async function waitForNoConnections(): Promise<void> {
    if (server.broadcaster.stats().connections === 0) return;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (server.broadcaster.stats().connections > 0) return;
        server.broadcaster.off('disconnect', check);
        resolve();
      };
      server.broadcaster.on('disconnect', check);
    });
  }

  async function publishMissed(count: number): Promise<string[]> {
    const sent: string[] = [];
    for (let i = 0; i < count; i += 1) {
      sent.push(`missed ${i}\nsecond line`);
      await server.broadcaster.publish('feed', { data: sent[i] });
    }
    return sent;
  }

  it.each([
    ['the Last-Event-ID header', (id: string) => ({ url: `${server.url}/sse/feed`, headers: { 'Last-Event-ID': id } })],
    [
      'the lastEventId query (htmx 2 reconnects)',
      (id: string) => ({ url: `${server.url}/sse/feed?lastEventId=${encodeURIComponent(id)}`, headers: {} }),
    ],
  ])('sends exactly the 20 missed events, in order, after %s', async (_how, request) => {
    const cursor = await firstVisit();
    const missed = await publishMissed(20);
    const { url, headers } = request(cursor);
    const back = new RecordingEventSource(url, [GAP_EVENT], headers);
    clients.push(back);
    await back.received(20);
    // One live event after the replay proves nothing else was queued in between.
    await server.broadcaster.publish('feed', { data: 'live' });
    await back.received(21);
    expect(back.data()).toEqual([...missed, 'live']);
    expect(back.data(GAP_EVENT)).toEqual([]);
  });

  it('sends a gap event when the cursor is older than the window', async () => {
    const cursor = await firstVisit();
    await publishMissed(31);
    const back = new RecordingEventSource(`${server.url}/sse/feed`, [GAP_EVENT], { 'Last-Event-ID': cursor });
    clients.push(back);
    await back.received(1, GAP_EVENT);
    const gap = JSON.parse(back.data(GAP_EVENT)[0]);
    expect(gap.lastEventId).toBe(cursor);
    expect(cursorPosition(gap.latestId)?.sequence).toBe(32);
    expect(back.data()).toEqual([]);
  });

  it('treats a garbage cursor as too old, not as an error', async () => {
    const back = new RecordingEventSource(`${server.url}/sse/feed?lastEventId=%00%0Anot-an-id`, [GAP_EVENT]);
    clients.push(back);
    await back.received(1, GAP_EVENT);
    await server.broadcaster.publish('feed', { data: 'still works' });
    await back.received(1);
    expect(back.data()).toEqual(['still works']);
  });

  it('does not duplicate or reorder an event published while the replay is still being read', async () => {
    // A bus whose history answers only when the test says so, like a remote store would.
    const inner = new MemoryBus();
    let openGate = (): void => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // Every stream reads history as it opens; only the resuming one's read is held at the gate.
    let gated = false;
    const slowHistory = wrappedBus(inner, (inbound) => inbound, {
      read: async (channel, cursor) => {
        if (gated) await gate;
        return inner.log.read(channel, cursor);
      },
    });
    await server.close();
    server = await startTestServer({}, { bus: slowHistory });
    const cursor = await firstVisit();
    const missed = await publishMissed(5);
    gated = true;
    const back = new RecordingEventSource(`${server.url}/sse/feed`, [], { 'Last-Event-ID': cursor });
    clients.push(back);
    await new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
    // Live while the replay is pending: held back, then found in the replay too.
    await server.broadcaster.publish('feed', { data: 'racing' });
    openGate();
    await back.received(6);
    await server.broadcaster.publish('feed', { data: 'after' });
    await back.received(7);
    expect(back.data()).toEqual([...missed, 'racing', 'after']);
  });
});
