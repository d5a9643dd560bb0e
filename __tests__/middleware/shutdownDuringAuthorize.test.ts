import express from 'express';
import request from 'supertest';
import { type Broadcaster, createBroadcaster } from '../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../middleware/sseMiddleware';
import { startTestServer, type TestServer } from '../support/testServer';

/** An `authorize` that answers only when the test says, and tells when it was asked. */
function heldAuthorize(): { authorize: () => Promise<boolean>; asked: Promise<void>; allow(): void } {
  let allow!: () => void;
  let asked!: () => void;
  const answer = new Promise<boolean>((resolve) => {
    allow = () => resolve(true);
  });
  const wasAsked = new Promise<void>((resolve) => {
    asked = resolve;
  });
  return {
    authorize: () => {
      asked();
      return answer;
    },
    asked: wasAsked,
    allow,
  };
}

describe('sseMiddleware slots on every path', () => {
  let server: TestServer<undefined> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers 503 to a stream whose authorize was still pending when the server shut down, and opens nothing', async () => {
    const held = heldAuthorize();
    server = await startTestServer({ authorize: held.authorize });
    const response = request(server.app)
      .get('/sse/news')
      .then((res) => res);
    await held.asked;
    await server.broadcaster.close();
    held.allow();
    const res = await response;
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).toMatch(/shutting down/);
    expect(server.broadcaster.stats().connections).toBe(0);
  });

  it('gives back the per-client and server slots when connect throws', async () => {
    const real: Broadcaster<undefined> = createBroadcaster();
    let failNext = true;
    // A broadcaster whose first connect fails after the middleware has taken its slots.
    const failingOnce = {
      get closed() {
        return real.closed;
      },
      stats: () => real.stats(),
      connect: (...args: Parameters<Broadcaster<undefined>['connect']>) => {
        if (failNext) {
          failNext = false;
          throw new Error('connect failed');
        }
        return real.connect(...args);
      },
    } as unknown as Broadcaster<undefined>;
    const app = express();
    app.use(sseMiddleware({ broadcaster: failingOnce, maxConnections: 1, maxConnectionsPerClient: 1 }));
    const errors: string[] = [];
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error.message);
      res.destroy();
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    const { port } = listening.address() as { port: number };
    try {
      await request(app)
        .get('/sse/news')
        .then(
          () => undefined,
          () => undefined,
        );
      expect(errors).toEqual(['connect failed']);
      // The only slot (server and client) is free again: the next stream opens.
      const aborter = new AbortController();
      const next = await fetch(`http://127.0.0.1:${port}/sse/news`, { signal: aborter.signal });
      try {
        expect(next.status).toBe(200);
        expect(real.stats().connections).toBe(1);
      } finally {
        aborter.abort();
      }
    } finally {
      await real.close();
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});
