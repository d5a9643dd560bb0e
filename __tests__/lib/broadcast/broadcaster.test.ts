import { cursorPosition, splitStreamEventId } from '../../../lib/protocol/eventId';
import { CLOSE_EVENT } from '../../../lib/protocol/protocolEvents';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { startTestServer, type TestServer } from '../../support/testServer';

describe('Broadcaster', () => {
  let server: TestServer<{ role: string }>;
  const clients: RecordingEventSource[] = [];
  beforeEach(async () => {
    server = await startTestServer<{ role: string }>({
      metadata: (req) => ({ role: String(req.query.role ?? 'guest') }),
    });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  async function join(
    channel: string,
    role = 'guest',
    types: string[] = [],
  ): Promise<{ client: RecordingEventSource; id: string }> {
    const connected = new Promise<string>((resolve) => server.broadcaster.once('connect', (info) => resolve(info.id)));
    const client = new RecordingEventSource(`${server.url}/sse/${channel}?role=${role}`, types);
    clients.push(client);
    const id = await connected;
    await client.opened();
    return { client, id };
  }

  it('filters recipients on metadata and reports connections with it', async () => {
    const admin = await join('room', 'admin');
    const guest = await join('room', 'guest');
    const receipt = await server.broadcaster.publish(
      'room',
      { data: 'admins only' },
      { filter: (c) => c.metadata.role === 'admin' },
    );
    await server.broadcaster.publish('room', { data: 'everyone' });
    await admin.client.received(2);
    await guest.client.received(1);
    expect(receipt.delivered).toBe(1);
    expect(admin.client.data()).toEqual(['admins only', 'everyone']);
    expect(guest.client.data()).toEqual(['everyone']);
    expect(
      server.broadcaster
        .connections('room')
        .map((c) => c.metadata.role)
        .sort(),
    ).toEqual(['admin', 'guest']);
  });

  it('sends to one connection without an id, leaving its replay cursor alone', async () => {
    const a = await join('room', 'guest', ['private']);
    const b = await join('room', 'guest', ['private']);
    await server.broadcaster.publish('room', { data: 'shared' });
    expect(await server.broadcaster.sendTo(a.id, { event: 'private', data: { secret: 1 } })).toBe(true);
    expect(await server.broadcaster.sendTo('no-such-connection', { data: 'x' })).toBe(false);
    await server.broadcaster.publish('room', { data: 'shared 2' });
    await a.client.received(2);
    await b.client.received(2);
    const [shared, direct, shared2] = a.client.events;
    expect([shared.data, direct.type, direct.data, shared2.data]).toEqual([
      'shared',
      'private',
      '{"secret":1}',
      'shared 2',
    ]);
    // The direct event carried no id field (this client reports each event's own id), so a
    // browser's cursor stays on the shared event.
    expect(direct.lastEventId).toBe('');
    expect(splitStreamEventId(shared.lastEventId).channel).toBe('room');
    expect(cursorPosition(shared.lastEventId)?.sequence).toBe(1);
    expect(b.client.events.map((e) => e.data)).toEqual(['shared', 'shared 2']);
  });

  it('emits typed connect, publish and disconnect events', async () => {
    const seen: string[] = [];
    server.broadcaster.on('connect', (info) => seen.push(`connect ${info.channel} ${info.metadata.role}`));
    server.broadcaster.on('publish', (event) =>
      seen.push(`publish ${event.channel} ${event.event} ${event.delivered}`),
    );
    const disconnected = new Promise<void>((resolve) =>
      server.broadcaster.on('disconnect', (info, reason) => {
        seen.push(`disconnect ${info.channel} ${reason} ${info.eventsSent}`);
        resolve();
      }),
    );
    const { client } = await join('room', 'admin');
    await server.broadcaster.publish('room', { event: 'note', data: 'x' });
    client.close();
    await disconnected;
    // Three frames: the stream's id (sse:connection), its opening cursor (a lone `id:`) and the event.
    expect(seen).toEqual(['connect room admin', 'publish room note 1', 'disconnect room client 3']);
  });

  it('closes one channel with a close event and keeps the others', async () => {
    const job = await join('job-1', 'guest', [CLOSE_EVENT]);
    const other = await join('news');
    expect(server.broadcaster.closeChannel('job-1', { reason: 'done' })).toBe(1);
    await job.client.received(1, CLOSE_EVENT);
    expect(JSON.parse(job.client.data(CLOSE_EVENT)[0])).toEqual({ reconnect: false, reason: 'done' });
    await server.broadcaster.publish('news', { data: 'still here' });
    await other.client.received(1);
    expect(server.broadcaster.stats().byChannel).toEqual({ news: 1 });
  });

  it('counts events, bytes and connections in stats', async () => {
    const { client } = await join('room');
    await server.broadcaster.publish('room', { data: 'abc' });
    await client.received(1);
    const stats = server.broadcaster.stats();
    expect(stats).toMatchObject({ connections: 1, byChannel: { room: 1 }, opened: 1, published: 1, evictions: 0 });
    expect(stats.eventsSent).toBe(3); // the stream's id, its opening cursor and the event
    expect(stats.bytesSent).toBeGreaterThan('data: abc\n\n'.length);
  });

  it('ends every stream on close({ reconnect }) and refuses to publish afterwards', async () => {
    const { client } = await join('room', 'guest', [CLOSE_EVENT]);
    await server.broadcaster.close({ reconnect: true, after: 500, reason: 'deploy' });
    await client.received(1, CLOSE_EVENT);
    expect(JSON.parse(client.data(CLOSE_EVENT)[0])).toEqual({ reconnect: true, after: 500, reason: 'deploy' });
    await expect(server.broadcaster.publish('room', { data: 'x' })).rejects.toThrow(/closed/);
    expect(server.broadcaster.stats().connections).toBe(0);
  });
});
