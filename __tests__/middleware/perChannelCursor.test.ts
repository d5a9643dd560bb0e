import type { Inbound } from '../../lib/broadcast/bus';
import type { BusDelivery } from '../../lib/broadcast/eventLog';
import { MemoryBus } from '../../lib/broadcast/memoryBus';
import { parseChannelCursor } from '../../lib/protocol/channelCursor';
import { CURSOR_EVENT, GAP_EVENT } from '../../lib/protocol/protocolEvents';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';
import { wrappedBus } from '../support/wrappedBus';

/**
 * A log that hands channels over out of position order, as a Redis Cluster's buckets can: live
 * events of `slow` wait until the test releases them; every other channel's arrive at once.
 */
function unorderedBus(slow: string) {
  const held: BusDelivery[] = [];
  let inbound: Inbound | undefined;
  const inner = new MemoryBus();
  const bus = wrappedBus(
    inner,
    (real) => {
      inbound = real;
      return {
        ...real,
        events: (deliveries) => {
          const now = deliveries.filter((delivery) => delivery.channel !== slow);
          held.push(...deliveries.filter((delivery) => delivery.channel === slow));
          const counts = now.length > 0 ? real.events(now) : [];
          return deliveries.map((delivery) => (delivery.channel === slow ? 0 : (counts[now.indexOf(delivery)] ?? 0)));
        },
      };
    },
    { ordered: false },
  );
  return { bus, release: () => inbound!.events(held.splice(0)) };
}

describe('a stream of several channels on a log that hands them over out of order', () => {
  let server: TestServer<undefined>;
  const clients: RecordingEventSource[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  function listen(cursor?: string): RecordingEventSource {
    const client = new RecordingEventSource(
      `${server.url}/sse?channels=slow,fast`,
      [CURSOR_EVENT, GAP_EVENT],
      cursor ? { 'Last-Event-ID': cursor } : {},
    );
    clients.push(client);
    return client;
  }

  it('resumes each channel after its own last event: one still in flight when the client left is replayed, none twice', async () => {
    const { bus, release } = unorderedBus('slow');
    server = await startTestServer({}, { bus });
    const first = listen();
    await first.received(1, CURSOR_EVENT);
    await server.broadcaster.publish('slow', { data: 'slow 1' }); // in flight: not yet handed over
    await server.broadcaster.publish('fast', { data: 'fast 1' }); // a later position, handed over at once
    await first.until(() => first.data(CURSOR_EVENT).length >= 2);
    // After the write, a cursor event names where each channel stands: `fast` at its event, `slow` where it started.
    const cursor = first.events.filter((event) => event.type === CURSOR_EVENT).at(-1)!.lastEventId;
    const positions = parseChannelCursor(cursor)!;
    expect([...positions.keys()].sort()).toEqual(['fast', 'slow']);
    expect(first.data()).toEqual(['fast 1']);
    first.close();

    release(); // `slow 1` reaches the server after the client left
    await server.broadcaster.publish('fast', { data: 'fast 2' });
    const back = listen(cursor);
    await back.until(() => back.data().length >= 2);
    await server.broadcaster.publish('slow', { data: 'slow 2' });
    release();
    await back.until(() => back.data().includes('slow 2'));
    expect(back.data().sort()).toEqual(['fast 2', 'slow 1', 'slow 2']);
    expect(back.data(GAP_EVENT)).toEqual([]);
  });
});
