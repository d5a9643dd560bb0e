import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { startTestServer, type TestServer } from '../support/testServer';

const DIST_CLIENT = join(__dirname, '..', '..', 'dist', 'browser');

const ASSETS: [name: string, file: () => string, type: RegExp][] = [
  ['htmx2.js', () => require.resolve('htmx.org/dist/htmx.min.js'), /^text\/javascript/],
  ['htmx-ext-sse.js', () => require.resolve('htmx-ext-sse/dist/sse.min.js'), /^text\/javascript/],
  ['htmx4.js', () => require.resolve('htmx4/dist/htmx.min.js'), /^text\/javascript/],
  ['hx-sse.js', () => require.resolve('htmx4/dist/ext/hx-sse.min.js'), /^text\/javascript/],
  ['monitor.js', () => join(DIST_CLIENT, 'monitor.js'), /^text\/javascript/],
  ['sse-status.css', () => join(DIST_CLIENT, 'sse-status.css'), /^text\/css/],
  ['sse-inspector.js', () => join(DIST_CLIENT, 'sse-inspector.js'), /^text\/javascript/],
  ['sse-inspector.css', () => join(DIST_CLIENT, 'sse-inspector.css'), /^text\/css/],
];

describe('sseMiddleware _assets routes', () => {
  let server: TestServer<undefined>;
  beforeAll(async () => {
    buildClientAssets();
    server = await startTestServer({ prefix: '/live' });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(ASSETS)(
    'serves %s from the installed package or the build, cacheable with an ETag',
    async (name, file, type) => {
      const response = await request(server.url)
        .get(`/live/_assets/${name}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(type);
      expect(response.headers['cache-control']).toBe('public, no-cache');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect((response.body as Buffer).equals(readFileSync(file()))).toBe(true);
    },
  );

  it('answers 304 without a body when If-None-Match names the ETag (strong, weak or in a list)', async () => {
    const { headers } = await request(server.url).get('/live/_assets/monitor.js');
    for (const match of [headers.etag, `W/${headers.etag}`, `"other", ${headers.etag}`, '*']) {
      const response = await request(server.url).get('/live/_assets/monitor.js').set('If-None-Match', match);
      expect([response.status, response.text ?? '', response.headers.etag]).toEqual([304, '', headers.etag]);
    }
    const stale = await request(server.url).get('/live/_assets/monitor.js').set('If-None-Match', '"stale"');
    expect(stale.status).toBe(200);
  });

  it.each(['nope.js', 'package.json', '..%2Fpackage.json', 'constructor', '__proto__'])(
    'answers 404 JSON for an unknown asset %s',
    async (name) => {
      const response = await request(server.url).get(`/live/_assets/${name}`);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body.error).toMatch(
        /^unknown asset .*: one of htmx2.js, htmx-ext-sse.js, htmx4.js, hx-sse.js, monitor.js, shared-stream.js, sse-status.css, sse-inspector.js, sse-inspector.css$/,
      );
    },
  );

  it('never takes _assets for a channel name', async () => {
    const response = await request(server.url).get('/live/_assets');
    expect([response.status, response.body]).toEqual([404, { error: 'asset name missing' }]);
    expect(server.broadcaster.connections()).toHaveLength(0);
  });
});
