/**
 * A stream opened with an app-chosen id replaces the stream holding that id in every other
 * process, but only one opened before it: a process that reads the request late must not end the
 * stream the client has opened there meanwhile (issue 21, point 5).
 */

import { CLOSE_EVENT, CONNECTION_EVENT } from '../../../lib/protocol/protocolEvents';
import { RedisBus } from '../../../redis';
import { idFromQuery } from '../../support/controlRoutes';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisProxy } from '../../support/redisProxy';
import { RedisServer } from '../../support/redisServer';
import { startTestServer, type TestServer } from '../../support/testServer';
import { settleWithin } from './settleWithin';

describe('RedisBus replacing an id across processes', () => {
  let redis: RedisServer;
  let proxy: RedisProxy;
  const servers: TestServer<undefined>[] = [];
  const clients: RecordingEventSource[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    proxy = await RedisProxy.start(redis.port);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.close()));
    await proxy.close();
    await redis.dispose();
  });

  async function processOn(url: string): Promise<{ server: TestServer<undefined>; bus: RedisBus }> {
    const bus = new RedisBus({ url, keyPrefix: 'replace-order:', commandTimeoutMs: 2000, blockMs: 1000 });
    await bus.ready();
    const server = await startTestServer<undefined>({ connectionId: idFromQuery }, { bus });
    servers.push(server);
    return { server, bus };
  }

  function listen(server: TestServer<undefined>, id: string): RecordingEventSource {
    const client = new RecordingEventSource(`${server.url}/sse/desk?id=${id}`, [CONNECTION_EVENT, CLOSE_EVENT]);
    clients.push(client);
    return client;
  }

  it('ends the older stream elsewhere and keeps the newer one that a late-read request names', async () => {
    const a = await processOn(redis.url);
    // Process b reads the requests between processes through the proxy, which can hold them back.
    const b = await processOn(proxy.url);
    expect(proxy.holdReplies(`${b.bus.processId}:reader`)).toBe(1);

    // Its connection event is written after the replace request went out on a's command connection.
    const older = listen(a.server, 'same-tab');
    await settleWithin(older.received(1, CONNECTION_EVENT), 5000, 'the stream on a opens');
    // The client comes back on b before b has read a's request.
    const newer = listen(b.server, 'same-tab');
    await settleWithin(newer.received(1, CONNECTION_EVENT), 5000, 'the stream on b opens');
    await settleWithin(older.received(1, CLOSE_EVENT), 5000, "a ends its stream on b's request");
    older.close();
    expect(JSON.parse(older.data(CLOSE_EVENT)[0])).toEqual({ reconnect: false, reason: 'replaced' });

    // b now reads a's request, then an event published after it: the request is acted on first.
    expect(proxy.releaseReplies(`${b.bus.processId}:reader`)).toBe(1);
    await a.server.broadcaster.publish('desk', { data: 'after the late request' });
    await settleWithin(
      newer.until(() => newer.data().length > 0 || newer.data(CLOSE_EVENT).length > 0),
      5000,
      'the event or a close on b',
    );

    expect(newer.data(CLOSE_EVENT)).toEqual([]);
    expect(newer.data()).toEqual(['after the late request']);
    expect(b.server.broadcaster.connections().map(({ id }) => id)).toEqual(['same-tab']);
    expect(a.server.broadcaster.connections()).toEqual([]);
  });
});
