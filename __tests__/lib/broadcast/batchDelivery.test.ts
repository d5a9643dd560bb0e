import { BatchingBus } from '../../support/batchingBus';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { SocketWrites } from '../../support/socketWrites';
import { startTestServer, type TestServer } from '../../support/testServer';

const CONNECTION_EVENT = 'sse:connection';

describe('Inbound.events with several events at once (for buses that deliver several events at once)', () => {
  let server: TestServer<undefined>;
  const clients: RecordingEventSource[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  async function listen(url: string): Promise<{ client: RecordingEventSource; id: string }> {
    const client = new RecordingEventSource(url, [CONNECTION_EVENT]);
    clients.push(client);
    await client.received(1, CONNECTION_EVENT);
    return { client, id: client.data(CONNECTION_EVENT)[0] };
  }

  it('applies each event’s filter and exclude, writes each connection’s share in one write, and counts per event', async () => {
    const batching = new BatchingBus();
    server = await startTestServer({ keepAlive: { intervalMs: 60_000 } }, { bus: batching.bus });
    const writes = new SocketWrites(server.server);
    const first = await listen(`${server.url}/sse/a`);
    const second = await listen(`${server.url}/sse/a`);
    const both = await listen(`${server.url}/sse?channels=a,b`);
    const everyone = [first, second, both];
    const marks = everyone.map(({ id }) => writes.of(id).length);
    const sentBefore = server.broadcaster.stats().eventsSent;

    await server.broadcaster.publish('a', { data: 'a1' }, { filter: (connection) => connection.id !== first.id });
    await server.broadcaster.publish('b', { data: 'b1' });
    await server.broadcaster.publish('a', { data: 'a2' }, { exclude: second.id });
    await server.broadcaster.publish('a', { data: 'a3' });
    const counts = batching.flush();

    const expected = [
      ['a2', 'a3'],
      ['a1', 'a3'],
      ['a1', 'b1', 'a2', 'a3'],
    ];
    await Promise.all(everyone.map(({ client }, index) => client.received(expected[index].length)));
    everyone.forEach(({ client, id }, index) => {
      expect(client.data()).toEqual(expected[index]);
      expect(writes.of(id).slice(marks[index])).toHaveLength(1);
    });
    expect(counts).toEqual([2, 1, 2, 3]);
    expect(server.broadcaster.stats().eventsSent - sentBefore).toBe(8);
  });

  it.each([
    ['one event at a time (deliver)', false],
    ['a batch (deliverBatch)', true],
  ])(
    'marks an event for the tabs an exclude names by tab (`<id>/<tab id>`), on their stream only, in %s',
    async (_path, batched) => {
      const batching = new BatchingBus();
      server = await startTestServer({ keepAlive: { intervalMs: 60_000 } }, batched ? { bus: batching.bus } : {});
      const writes = new SocketWrites(server.server);
      const shared = await listen(`${server.url}/sse/a`);
      const other = await listen(`${server.url}/sse/a`);
      const marks = [shared, other].map(({ id }) => writes.of(id).length);

      const exclude = [`${shared.id}/tab-1`, `${shared.id}/tab-2`, `${other.id}/bad tab`, 'not an id!/tab-3'];
      const published = server.broadcaster.publish('a', { data: 'change' }, { exclude });
      await published;
      await server.broadcaster.publish('a', { data: 'for all' });
      if (batched) expect(batching.flush()).toEqual([2, 2]);

      // Both streams get both events: a client that is not a hub ignores the comments.
      await Promise.all([shared.client.received(2), other.client.received(2)]);
      expect(shared.client.data()).toEqual(['change', 'for all']);
      expect(other.client.data()).toEqual(['change', 'for all']);
      const sharedBytes = Buffer.concat(writes.of(shared.id).slice(marks[0])).toString();
      const otherBytes = Buffer.concat(writes.of(other.id).slice(marks[1])).toString();
      const { id } = await published;
      expect(sharedBytes).toContain(`:sse-skip-tab tab-1\n:sse-skip-tab tab-2\nid: ${id}\ndata: change\n\n`);
      expect(sharedBytes.match(/sse-skip-tab/g)).toHaveLength(2);
      expect(otherBytes).not.toContain('sse-skip-tab');
    },
  );
});
