import { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import compression from 'compression';
import type { Request, Response } from 'express';
import type { CloseReason } from '../../lib/broadcast/eventStreamWriter';
import { CLOSE_EVENT } from '../../lib/protocol/protocolEvents';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

/** Router state an open stream lets go of (see middleware/releaseRequestState.ts). */
type RouterState = { next?: unknown; _parsedUrl?: unknown };

/**
 * How the app writes: untouched (pre-framed chunks straight to the socket), through a `res.write`
 * wrapped by hand, or behind the real `compression()` middleware, which wraps `res.write` too and
 * so sends the stream down the fallback path.
 */
type WritePath = 'socket' | 'wrapped' | 'compression';

/**
 * Once a stream is open, the middleware drops the router state Express keeps on the request;
 * the stream must deliver, evict and close exactly as before, whichever write path it takes.
 */
describe('an open stream releases Express router state', () => {
  let server: TestServer<string>;
  const seen: { req: Request; res: Response }[] = [];
  let wrappedWrites = 0;
  afterEach(async () => {
    seen.length = 0;
    wrappedWrites = 0;
    await server.close();
  });

  /** An app whose first middleware keeps each request, behind `compression()` or a hand-wrapped `res.write` if asked. */
  async function start(options: { path: WritePath; maxBufferedBytes?: number }): Promise<void> {
    server = await startTestServer<string>(
      { metadata: (req) => `user of ${req.params.channel}`, keepAlive: { intervalMs: 0 } },
      { maxBufferedBytes: options.maxBufferedBytes },
      undefined,
      (app) => {
        if (options.path === 'compression') app.use(compression());
        app.use((req, res, next) => {
          seen.push({ req, res });
          if (options.path === 'wrapped') {
            const write = res.write;
            res.write = function wrappedWrite(this: Response, ...args: Parameters<typeof write>) {
              wrappedWrites += 1;
              return write.apply(this, args);
            } as typeof write;
          }
          next();
        });
      },
    );
  }

  it.each<[string, WritePath]>([
    ['written straight to the socket', 'socket'],
    ['written through a wrapped res.write (the fallback)', 'wrapped'],
    ['behind compression() (the fallback: it wraps res.write)', 'compression'],
  ])('delivers and closes when %s', async (_name, path) => {
    await start({ path });
    // Accepting gzip, as browsers do: compression() then decides by the response alone.
    const client = new RecordingEventSource(`${server.url}/sse/news?x=1`, [CLOSE_EVENT], { 'Accept-Encoding': 'gzip' });
    try {
      await client.opened();
      const { req, res } = seen[0]!;
      expect((req as RouterState).next).toBeUndefined();
      expect((req as RouterState)._parsedUrl).toBeUndefined();
      // What the app may still read is kept.
      expect(req.params.channel).toBe('news');
      expect(req.originalUrl).toBe('/sse/news?x=1');
      expect(req.query.x).toBe('1');
      expect(res.locals).toBeDefined();
      expect(server.broadcaster.connections('news').map((info) => info.metadata)).toEqual(['user of news']);
      // Only the untouched response keeps Node's own write, the condition of the direct path.
      expect(res.write === ServerResponse.prototype.write).toBe(path === 'socket');
      expect(res.getHeader('content-encoding')).toBeUndefined();

      const writesBefore = wrappedWrites;
      await server.broadcaster.publish('news', { data: 'one' });
      await server.broadcaster.publish('news', { data: 'two\nlines' });
      await client.received(2);
      expect(client.data()).toEqual(['one', 'two\nlines']);
      expect(wrappedWrites - writesBefore).toBe(path === 'wrapped' ? 2 : 0);

      const closed = new Promise<CloseReason>((resolve) =>
        server.broadcaster.once('disconnect', (_info, reason) => resolve(reason)),
      );
      expect(server.broadcaster.closeChannel('news', { reason: 'done' })).toBe(1);
      await client.received(1, CLOSE_EVENT);
      expect(await closed).toBe('server');
      expect(server.broadcaster.stats().connections).toBe(0);
    } finally {
      client.close();
    }
  });

  it.each<[string, WritePath]>([
    ['straight to the socket', 'socket'],
    ['through a wrapped res.write', 'wrapped'],
    ['behind compression()', 'compression'],
  ])('evicts a client that never reads, %s', async (_name, path) => {
    const cap = 256 * 1024;
    await start({ path, maxBufferedBytes: cap });
    const stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
    stalled.on('error', () => {});
    try {
      const connected = new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
      stalled.write('GET /sse/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n');
      stalled.pause();
      await connected;
      expect((seen[0]!.req as RouterState).next).toBeUndefined();
      const evicted = new Promise<CloseReason>((resolve) =>
        server.broadcaster.once('disconnect', (_info, reason) => resolve(reason)),
      );
      const payload = 'x'.repeat(64 * 1024);
      let mostBuffered = 0;
      for (let i = 0; i < 400 && server.broadcaster.stats().connections > 0; i += 1) {
        await server.broadcaster.publish('feed', { data: payload });
        for (const info of server.broadcaster.connections('feed'))
          mostBuffered = Math.max(mostBuffered, info.bufferedBytes);
      }
      expect(await evicted).toBe('evicted');
      // Held to the cap before the eviction, whichever path the writes took.
      expect(mostBuffered).toBeGreaterThan(0);
      expect(mostBuffered).toBeLessThanOrEqual(cap);
      expect(server.broadcaster.stats().connections).toBe(0);
    } finally {
      stalled.destroy();
    }
  });
});
