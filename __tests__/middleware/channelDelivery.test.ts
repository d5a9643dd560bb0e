import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

describe('sseMiddleware channel delivery', () => {
  let server: TestServer<undefined>;
  const clients: RecordingEventSource[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  it('delivers broadcasts on a channel to its clients and none of another channel', async () => {
    const news = new RecordingEventSource(`${server.url}/sse/news`);
    const sport = new RecordingEventSource(`${server.url}/sse/sport`);
    clients.push(news, sport);
    await Promise.all([news.opened(), sport.opened()]);
    await server.broadcaster.publish('news', { data: 'n1' });
    await server.broadcaster.publish('sport', { data: 's1' });
    await server.broadcaster.publish('news', { data: 'n2\nline two' });
    await news.received(2);
    await sport.received(1);
    expect(news.data()).toEqual(['n1', 'n2\nline two']);
    expect(sport.data()).toEqual(['s1']);
  });

  it('returns how many local connections an event was written to', async () => {
    const a = new RecordingEventSource(`${server.url}/sse/room`);
    const b = new RecordingEventSource(`${server.url}/sse/room`);
    clients.push(a, b);
    await Promise.all([a.opened(), b.opened()]);
    const [first] = server.broadcaster.connections('room');
    const all = await server.broadcaster.publish('room', { data: 'x' });
    const excluded = await server.broadcaster.publish('room', { data: 'y' }, { exclude: first.id });
    const nobody = await server.broadcaster.publish('empty', { data: 'z' });
    expect([all.delivered, excluded.delivered, nobody.delivered]).toEqual([2, 1, 0]);
  });
});
