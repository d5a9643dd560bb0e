import type { Bus } from '../../lib/broadcast/bus';
import { GAP_EVENT } from '../../lib/protocol/protocolEvents';
import { eachBusTarget, type TargetWorld, type WorldOptions } from '../support/busTargets';
import { RecordingEventSource } from '../support/eventSourceClient';
import { within } from '../support/streamWaits';
import { startTestServer, type TestServer } from '../support/testServer';
import { wrappedBus } from '../support/wrappedBus';

const HISTORY = 30;

describe.each(eachBusTarget())('replay from Last-Event-ID on $name', ({ target }) => {
  let world: TargetWorld<TestServer<undefined>>;
  let server: TestServer<undefined>;
  const clients: RecordingEventSource[] = [];
  const start = async (options: WorldOptions = {}): Promise<void> => {
    world = await target.start((broadcaster) => startTestServer<undefined>({}, broadcaster), {
      processes: 1,
      history: { size: HISTORY },
      ...options,
    });
    server = world.processes[0]!;
  };
  beforeAll(() => target.setUp(), 120_000);
  afterAll(() => target.tearDown());
  beforeEach(() => start());
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await world.close();
  });

  /** Connects, receives one event, disconnects; returns the id to resume from. */
  async function firstVisit(): Promise<string> {
    const client = new RecordingEventSource(`${server.url}/sse/feed`);
    clients.push(client);
    await within(client.started(), 'started', () => client.events);
    await server.broadcaster.publish('feed', { data: 'before' });
    await within(client.received(1), 'received(1)', () => client.events);
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

  /** Publishes `count` events on `feed`; returns their data and the last one's id. */
  async function publishMissed(count: number): Promise<string[] & { lastId?: string }> {
    const sent: string[] & { lastId?: string } = [];
    for (let i = 0; i < count; i += 1) {
      sent.push(`missed ${i}\nsecond line`);
      sent.lastId = (await server.broadcaster.publish('feed', { data: sent[i] })).id;
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
    await within(back.received(20), 'received(20)', () => back.events);
    // One live event after the replay proves nothing else was queued in between.
    await server.broadcaster.publish('feed', { data: 'live' });
    await within(back.received(21), 'received(21)', () => back.events);
    expect(back.data()).toEqual([...missed, 'live']);
    expect(back.data(GAP_EVENT)).toEqual([]);
  });

  it('replays only the latest value of each keyed figure, with every unkeyed event, to an EventSource that comes back', async () => {
    const cursor = await firstVisit();
    // Twenty figures updated for "60 seconds": 1,200 events, 40 times what history holds unkeyed.
    for (let second = 0; second < 60; second += 1)
      for (let figure = 0; figure < 20; figure += 1)
        await server.broadcaster.publish('feed', { key: `figure-${figure}`, data: `figure-${figure} at ${second} s` });
    await server.broadcaster.publish('feed', { data: 'alert' });
    const latest = Array.from({ length: 20 }, (_, figure) => `figure-${figure} at 59 s`);
    const back = new RecordingEventSource(`${server.url}/sse/feed`, [GAP_EVENT], { 'Last-Event-ID': cursor });
    clients.push(back);
    await within(back.received(21), 'received(21)', () => back.events);
    await server.broadcaster.publish('feed', { key: 'figure-0', data: 'figure-0 live' });
    await within(back.received(22), 'received(22)', () => back.events);
    expect(back.data()).toEqual([...latest, 'alert', 'figure-0 live']);
    expect(back.data(GAP_EVENT)).toEqual([]);
    // Each figure's 59 later values superseded the one before, and so did the live one.
    expect(server.broadcaster.stats().superseded).toBe(20 * 59 + 1);
  });

  it('sends a gap event when the cursor is older than the window', async () => {
    const cursor = await firstVisit();
    // Every bus keeps exactly the window: one event more pushes the cursor out.
    const { lastId } = await publishMissed(HISTORY + 1);
    const back = new RecordingEventSource(`${server.url}/sse/feed`, [GAP_EVENT], { 'Last-Event-ID': cursor });
    clients.push(back);
    await within(back.received(1, GAP_EVENT), 'received(1, GAP_EVENT)', () => back.events);
    const gap = JSON.parse(back.data(GAP_EVENT)[0]);
    expect(gap.lastEventId).toBe(cursor);
    expect(gap.latestId).toBe(lastId);
    expect(back.data()).toEqual([]);
  });

  it('treats a garbage cursor as too old, not as an error', async () => {
    const back = new RecordingEventSource(`${server.url}/sse/feed?lastEventId=%00%0Anot-an-id`, [GAP_EVENT]);
    clients.push(back);
    await within(back.received(1, GAP_EVENT), 'received(1, GAP_EVENT)', () => back.events);
    await server.broadcaster.publish('feed', { data: 'still works' });
    await within(back.received(1), 'received(1)', () => back.events);
    expect(back.data()).toEqual(['still works']);
  });

  it('does not duplicate or reorder an event published while the replay is still being read', async () => {
    // A bus whose history answers only when the test says so, like a remote store would.
    let openGate = (): void => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // Every stream reads history as it opens; only the resuming one's read is held at the gate.
    let gated = false;
    const slowHistory = (inner: Bus): Bus =>
      wrappedBus(inner, (inbound) => inbound, {
        read: async (channel, cursor) => {
          if (gated) await gate;
          return inner.log.read(channel, cursor);
        },
      });
    await world.close();
    await start({ wrap: slowHistory });
    const cursor = await firstVisit();
    const missed = await publishMissed(5);
    gated = true;
    const back = new RecordingEventSource(`${server.url}/sse/feed`, [], { 'Last-Event-ID': cursor });
    clients.push(back);
    await new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
    // Live while the replay is pending: held back, then found in the replay too.
    await server.broadcaster.publish('feed', { data: 'racing' });
    openGate();
    await within(back.received(6), 'received(6)', () => back.events);
    await server.broadcaster.publish('feed', { data: 'after' });
    await within(back.received(7), 'received(7)', () => back.events);
    expect(back.data()).toEqual([...missed, 'racing', 'after']);
  });
});
