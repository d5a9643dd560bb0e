import { type IncomingMessage, request } from 'node:http';
import { createGunzip } from 'node:zlib';
import compression from 'compression';
import { CLOSE_EVENT } from '../../lib/protocol/protocolEvents';
import { openTestStream, type TestStream } from '../../lib/testing/testStream';
import { startTestServer, type TestServer } from '../support/testServer';

const PAGE = `<ul>${'<li>an item of the page</li>'.repeat(200)}</ul>`;

/** GETs `url` asking for gzip; the body is read through `createGunzip` when the response says it is gzip. */
async function getAcceptingGzip(url: string): Promise<{ response: IncomingMessage; body: string }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    request(url, { headers: { 'accept-encoding': 'gzip' } }, resolve)
      .once('error', reject)
      .end(),
  );
  const source = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk as Buffer);
  return { response, body: Buffer.concat(chunks).toString('utf8') };
}

/**
 * The real `compression()` middleware in front of `sseMiddleware`, as Express apps install it.
 * It gzips the app's pages but not an event stream, whose `Cache-Control: no-transform` it
 * honours: a gzip stream would hold each event in its buffer until a flush. It still wraps
 * `res.write`, so events take the fallback write path (its eviction and close are in
 * releaseRequestState.test.ts) and must arrive one by one, as published.
 */
describe('behind compression()', () => {
  let server: TestServer<undefined>;
  let stream: TestStream | undefined;
  afterEach(async () => {
    await stream?.close();
    stream = undefined;
    await server.close();
  });

  function start(maxBufferedBytes?: number): Promise<TestServer<undefined>> {
    return startTestServer<undefined>(
      { keepAlive: { intervalMs: 0 } },
      { maxBufferedBytes, history: { size: 100, maxBytes: 8 * 1024 * 1024 } },
      (app) => app.get('/page', (_req, res) => res.type('html').send(PAGE)),
      (app) => app.use(compression()),
    );
  }

  it('gzips a page but sends the stream unencoded: each event arrives, decoded and in order, before the next is published; close ends it', async () => {
    server = await start();
    const page = await getAcceptingGzip(`${server.url}/page`);
    expect(page.response.headers['content-encoding']).toBe('gzip');
    expect(page.body).toBe(PAGE);

    stream = await openTestStream(server.url, { path: '/sse/news', headers: { 'accept-encoding': 'gzip' } });
    expect(stream.headers['content-encoding']).toBeUndefined();
    expect(stream.headers['cache-control']).toMatch(/\bno-transform\b/);
    const sent = ['one', 'two\nlines', 'é ✓ <b>html</b>'];
    let lastId = '';
    for (const [index, data] of sent.entries()) {
      lastId = (await server.broadcaster.publish('news', { data })).id;
      // Nothing is written after it, so an event held in a compression buffer would never come.
      expect((await stream.waitFor(index + 1)).reason).toBe('count');
    }
    expect(stream.events.map((event) => event.data)).toEqual(sent);
    expect(stream.lastEventId).toBe(lastId);

    const closed = new Promise<string>((resolve) =>
      server.broadcaster.once('disconnect', (_info, why) => resolve(why)),
    );
    expect(server.broadcaster.closeChannel('news', { reason: 'done' })).toBe(1);
    const close = await stream.waitFor((event) => event.type === CLOSE_EVENT);
    expect(close.reason).toBe('predicate');
    expect((await stream.waitFor(() => false)).reason).toBe('ended');
    expect(await closed).toBe('server');
  });

  it('paces a replay larger than maxBufferedBytes through its res.write and drain, then goes live', async () => {
    const cap = 256 * 1024;
    server = await start(cap);
    const disconnects: string[] = [];
    server.broadcaster.on('disconnect', (_info, reason) => disconnects.push(reason));
    const cursor = await server.broadcaster.cursor();
    const pad = 'r'.repeat(100 * 1024);
    const replayed = 16; // 1.6 MB: over six times the cap
    for (let i = 0; i < replayed; i += 1) await server.broadcaster.publish('feed', { data: `replayed ${i} ${pad}` });

    stream = await openTestStream(server.url, {
      path: '/sse/feed',
      lastEventId: cursor,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect((await stream.waitFor(replayed, { timeoutMs: 30_000 })).reason).toBe('count');
    await server.broadcaster.publish('feed', { data: 'live' });
    expect((await stream.waitFor(replayed + 1)).reason).toBe('count');
    expect(stream.events.map((event) => event.data.split(' ').slice(0, 2).join(' '))).toEqual([
      ...Array.from({ length: replayed }, (_, i) => `replayed ${i}`),
      'live',
    ]);
    expect(disconnects).toEqual([]);
  });
});
