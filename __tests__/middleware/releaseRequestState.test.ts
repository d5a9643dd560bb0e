import { connect } from 'node:net';
import type { Request, Response } from 'express';
import type { CloseReason } from '../../lib/broadcast/eventStreamWriter';
import { CLOSE_EVENT } from '../../lib/protocol/protocolEvents';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

/** Router state an open stream lets go of (see middleware/releaseRequestState.ts). */
type RouterState = { next?: unknown; _parsedUrl?: unknown };

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

  /** An app whose first middleware keeps each request, and optionally wraps `res.write` as compression does. */
  async function start(options: { wrapWrite: boolean; maxBufferedBytes?: number }): Promise<void> {
    server = await startTestServer<string>(
      { metadata: (req) => `user of ${req.params.channel}`, keepAlive: { intervalMs: 0 } },
      { maxBufferedBytes: options.maxBufferedBytes },
      (app) => {
        // Installed before sseMiddleware by moving it to the front of the router's stack.
        app.use((req, res, next) => {
          seen.push({ req, res });
          if (options.wrapWrite) {
            const write = res.write;
            res.write = function wrappedWrite(this: Response, ...args: Parameters<typeof write>) {
              wrappedWrites += 1;
              return write.apply(this, args);
            } as typeof write;
          }
          next();
        });
        // Express 4 keeps its router as `_router` (its `router` getter throws); Express 5 as `router`.
        const holder = app as unknown as { _router?: { stack: unknown[] }; router: { stack: unknown[] } };
        const stack = (holder._router ?? holder.router).stack;
        stack.unshift(stack.pop());
      },
    );
  }

  it.each([
    ['written straight to the socket', false],
    ['written through a wrapped res.write (the fallback)', true],
  ])('delivers and closes when %s', async (_name, wrapWrite) => {
    await start({ wrapWrite });
    const client = new RecordingEventSource(`${server.url}/sse/news?x=1`, [CLOSE_EVENT]);
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

      const writesBefore = wrappedWrites;
      await server.broadcaster.publish('news', { data: 'one' });
      await server.broadcaster.publish('news', { data: 'two\nlines' });
      await client.received(2);
      expect(client.data()).toEqual(['one', 'two\nlines']);
      expect(wrappedWrites - writesBefore).toBe(wrapWrite ? 2 : 0);

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

  it.each([
    ['straight to the socket', false],
    ['through a wrapped res.write', true],
  ])('evicts a client that never reads, %s', async (_name, wrapWrite) => {
    const cap = 256 * 1024;
    await start({ wrapWrite, maxBufferedBytes: cap });
    const stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
    stalled.on('error', () => {});
    try {
      const connected = new Promise<void>((resolve) => server.broadcaster.once('connect', () => resolve()));
      stalled.write('GET /sse/feed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      stalled.pause();
      await connected;
      expect((seen[0]!.req as RouterState).next).toBeUndefined();
      const evicted = new Promise<CloseReason>((resolve) =>
        server.broadcaster.once('disconnect', (_info, reason) => resolve(reason)),
      );
      const payload = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 400 && server.broadcaster.stats().connections > 0; i += 1)
        await server.broadcaster.publish('feed', { data: payload });
      expect(await evicted).toBe('evicted');
      expect(server.broadcaster.stats().connections).toBe(0);
    } finally {
      stalled.destroy();
    }
  });
});
