import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../middleware/sseMiddleware';
import { matchSseRoute } from '../../middleware/sseRoute';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('matchSseRoute', () => {
  it.each([
    ['/sse/news', { kind: 'stream', channel: 'news' }],
    ['/sse/news/', { kind: 'stream', channel: 'news' }],
    ['/SSE/News', { kind: 'stream', channel: 'News' }],
    ['/sse/a%3Ab', { kind: 'stream', channel: 'a:b' }],
    ['/sse/%E0%A4%A', { kind: 'stream', channel: undefined }],
    ['/sse/_stats', { kind: 'stats' }],
    ['/sse/_STATS/', { kind: 'stats' }],
    ['/sse/_assets', { kind: 'assets' }],
    ['/sse/_assets/monitor.js', { kind: 'assets' }],
  ])('matches %s like an Express route', (path, route) => {
    expect(matchSseRoute(path, '/sse')).toEqual(route);
  });

  it.each(['/sse', '/sse/', '/SSE'])('matches %s as a stream of the channels its query names', (path) => {
    expect(matchSseRoute(path, '/sse')).toEqual({ kind: 'channels' });
  });

  it.each(['/sse/a/b', '/ssex/news', '/other/news', '/'])('leaves %s to the next handler', (path) => {
    expect(matchSseRoute(path, '/sse')).toBeUndefined();
  });

  it('accepts a prefix with a trailing slash', () => {
    expect(matchSseRoute('/live/news', '/live/')).toEqual({ kind: 'stream', channel: 'news' });
  });
});

describe('sseMiddleware routing in an app', () => {
  let server: TestServer<string>;
  const clients: RecordingEventSource[] = [];
  const seenParams: unknown[] = [];
  beforeEach(async () => {
    seenParams.length = 0;
    server = await startTestServer<string>(
      {
        metadata: (req) => {
          seenParams.push(req.params.channel);
          return String(req.params.channel);
        },
      },
      {},
      (app) => {
        app.post('/sse/news', (_req, res) => void res.status(202).json({ posted: true }));
        app.get('/sse/a/b', (_req, res) => void res.json({ nested: true }));
      },
    );
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  it('streams with a trailing slash and any case of the prefix, with req.params.channel set', async () => {
    const client = new RecordingEventSource(`${server.url}/SSE/news/`);
    clients.push(client);
    await client.opened();
    await server.broadcaster.publish('news', { data: 'hello' });
    await client.received(1);
    expect(client.data()).toEqual(['hello']);
    expect(seenParams).toEqual(['news']);
    expect(server.broadcaster.connections('news').map((connection) => connection.metadata)).toEqual(['news']);
  });

  it('gives every connection a distinct v4 UUID', async () => {
    const a = new RecordingEventSource(`${server.url}/sse/room`);
    const b = new RecordingEventSource(`${server.url}/sse/room`);
    clients.push(a, b);
    await Promise.all([a.opened(), b.opened()]);
    const ids = server.broadcaster.connections('room').map((connection) => connection.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('answers 400 JSON for a channel segment that is not valid percent-encoding', async () => {
    const res = await request(server.app).get('/sse/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/invalid channel name that is not valid percent-encoding/);
  });

  it('passes other methods and deeper paths to the next handler', async () => {
    const posted = await request(server.app).post('/sse/news');
    expect([posted.status, posted.body]).toEqual([202, { posted: true }]);
    const nested = await request(server.app).get('/sse/a/b');
    expect(nested.body).toEqual({ nested: true });
    const unknown = await request(server.app).get('/elsewhere');
    expect(unknown.status).toBe(404);
  });
});

describe('sseMiddleware mounted under a path', () => {
  it('serves its routes relative to the mount point', async () => {
    const broadcaster = createBroadcaster();
    const app = express();
    app.use('/api', sseMiddleware({ broadcaster, stats: true }));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new RecordingEventSource(`${url}/api/sse/news`);
    try {
      await client.opened();
      await broadcaster.publish('news', { data: 'mounted' });
      await client.received(1);
      expect(client.data()).toEqual(['mounted']);
      const stats = await request(app).get('/api/sse/_stats');
      expect(stats.body.connections).toBe(1);
      expect((await request(app).get('/sse/news')).status).toBe(404);
    } finally {
      client.close();
      await broadcaster.close({ reconnect: false });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
