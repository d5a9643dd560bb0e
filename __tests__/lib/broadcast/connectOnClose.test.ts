import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Broadcaster, createBroadcaster } from '../../../lib/broadcast/broadcaster';
import type { CloseReason } from '../../../lib/broadcast/eventStreamWriter';
import { openEventStream } from '../../../lib/protocol/openEventStream';
import { RecordingEventSource } from '../../support/eventSourceClient';

describe('broadcaster.connect({ onClose })', () => {
  let broadcaster: Broadcaster;
  let server: Server;
  let url: string;
  const closes: { channel: string; reason: CloseReason; registered: number }[] = [];
  const clients: RecordingEventSource[] = [];

  beforeEach(async () => {
    closes.length = 0;
    broadcaster = createBroadcaster();
    server = createServer((req, res) => {
      const channel = String(req.url).slice(1);
      openEventStream(req, res);
      broadcaster.connect(res, {
        channel,
        metadata: undefined,
        // What the registry holds when the callback runs shows it runs after removal.
        onClose: (connection, reason) =>
          closes.push({ channel: connection.channel, reason, registered: broadcaster.connections(channel).length }),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await broadcaster.close({ reconnect: false });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function open(channel: string): RecordingEventSource {
    const client = new RecordingEventSource(`${url}/${channel}`, ['sse:close']);
    clients.push(client);
    return client;
  }

  it('is called once with "server" when the server ends the stream, after it left the registry', async () => {
    const client = open('news');
    await client.opened();
    broadcaster.closeChannel('news', { reason: 'done' });
    await client.received(1, 'sse:close');
    expect(closes).toEqual([{ channel: 'news', reason: 'server', registered: 0 }]);
  });

  it('is called once with "client" when the client goes away', async () => {
    const client = open('sport');
    await client.opened();
    const disconnected = new Promise<void>((resolve) => broadcaster.once('disconnect', () => resolve()));
    client.close();
    await disconnected;
    expect(closes).toEqual([{ channel: 'sport', reason: 'client', registered: 0 }]);
  });
});
