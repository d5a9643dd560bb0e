import request from 'supertest';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

describe('GET {prefix}/_stats/count', () => {
  let server: TestServer<undefined> | undefined;
  const clients: RecordingEventSource[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
    server = undefined;
  });

  it('answers the open streams of a channel, or in total, as a bare text fragment', async () => {
    server = await startTestServer({ stats: true });
    for (const channel of ['board', 'board', 'news']) {
      const client = new RecordingEventSource(`${server.url}/sse/${channel}`);
      clients.push(client);
      await client.opened();
    }
    const board = await request(server.app).get('/sse/_stats/count?channel=board');
    expect(board.status).toBe(200);
    expect(board.type).toBe('text/html');
    expect(board.text).toBe('2');
    expect((await request(server.app).get('/sse/_stats/count')).text).toBe('3');
    expect((await request(server.app).get('/sse/_stats/count?channel=quiet')).text).toBe('0');
    const bad = await request(server.app).get('/sse/_stats/count?channel=a%20b');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/invalid channel name "a b"/);
  });

  it('answers 404 where stats are not allowed', async () => {
    server = await startTestServer({ stats: (req) => req.get('x-admin') === 'yes' });
    expect((await request(server.app).get('/sse/_stats/count')).status).toBe(404);
    const allowed = await request(server.app).get('/sse/_stats/count').set('x-admin', 'yes');
    expect(allowed.text).toBe('0');
  });
});
