import { connect } from 'node:net';
import request from 'supertest';
import { startTestServer, type TestServer } from '../support/testServer';

/** Sends `head` as a raw request on a fresh socket and resolves with every byte the server sent back. */
function rawExchange(url: string, head: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(head);
  });
}

describe('HEAD on a stream path', () => {
  let server: TestServer<undefined>;
  beforeEach(async () => {
    server = await startTestServer({
      maxConnectionsPerClient: 1,
      authorize: (_req, channel) => channel !== 'secret',
    });
  });
  afterEach(() => server.close());

  it('answers the stream headers with no body and holds no slot', async () => {
    const raw = await rawExchange(
      server.url,
      'HEAD /sse/news HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(head).toMatch(/content-type: text\/event-stream; charset=utf-8/i);
    expect(head).toMatch(/cache-control: no-cache, no-transform/i);
    expect(head).toMatch(/x-accel-buffering: no/i);
    expect(body).toBe('');
    expect(server.broadcaster.stats().connections).toBe(0);
  });

  it('never uses up the per-client limit: five HEADs, then a GET still opens', async () => {
    for (let i = 0; i < 5; i += 1) expect((await request(server.url).head('/sse/news')).status).toBe(200);
    const opened = new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
    const stream = request(server.url).get('/sse/news').buffer(false);
    stream.end(() => undefined);
    await opened;
    expect(server.broadcaster.stats().connections).toBe(1);
    stream.abort();
  });

  it('answers the same refusals as GET', async () => {
    expect((await request(server.url).head('/sse/secret')).status).toBe(403);
    expect((await request(server.url).head('/sse/%5fstats')).status).toBe(400);
  });
});

describe('channel names starting with _ are reserved', () => {
  let server: TestServer<undefined>;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it.each([
    '/sse/%5fstats',
    '/sse/%5Fstats',
    '/sse/%5f%73tats',
    '/sse/%5fassets',
    '/sse/%5FASSETS',
    '/sse/_news',
    '/sse/%5fnews',
    '/sse/_',
  ])('GET %s is a 400 with a JSON error, and opens nothing', async (path) => {
    const response = await request(server.url).get(path);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/not starting with _ \(reserved\)/);
    expect(server.broadcaster.stats().connections).toBe(0);
  });

  it('refuses them at publish too, naming the value', async () => {
    await expect(server.broadcaster.publish('_stats', { data: 'x' })).rejects.toThrow(/got "_stats"/);
  });

  it('still serves the real _stats and _assets routes', async () => {
    expect((await request(server.url).get('/sse/_stats')).status).toBe(404); // stats are off by default
    expect((await request(server.url).get('/sse/_assets/monitor.js')).status).toBe(200);
  });
});
