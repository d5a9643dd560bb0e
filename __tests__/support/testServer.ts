import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { type Broadcaster, createBroadcaster } from '../../lib/broadcast/broadcaster';
import type { BroadcasterOptions } from '../../lib/broadcast/broadcasterOptions';
import { type SseMiddlewareOptions, sseMiddleware } from '../../middleware/sseMiddleware';

/** A running Express app with the SSE middleware, on a free loopback port. */
export interface TestServer<M> {
  app: Express;
  server: Server;
  broadcaster: Broadcaster<M>;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Closes every stream and the server. */
  close(): Promise<void>;
}

/**
 * Starts an app with `sseMiddleware` on 127.0.0.1 and an ephemeral port.
 * @param extend - adds routes and middleware after `sseMiddleware`.
 * @param before - adds middleware in front of `sseMiddleware` (e.g. `compression()`).
 */
export async function startTestServer<M = undefined>(
  middleware: Partial<SseMiddlewareOptions<M>> = {},
  broadcasterOptions: BroadcasterOptions<M> = {},
  extend?: (app: Express, broadcaster: Broadcaster<M>) => void,
  before?: (app: Express) => void,
): Promise<TestServer<M>> {
  const broadcaster = createBroadcaster<M>(broadcasterOptions);
  const app = express();
  before?.(app);
  app.use(sseMiddleware<M>({ ...middleware, broadcaster }));
  extend?.(app, broadcaster);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    app,
    server,
    broadcaster,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await broadcaster.close({ reconnect: false, reason: 'test over' });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
