import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type Broadcaster, createBroadcaster } from '../../lib/broadcast/broadcaster';
import type { BroadcasterOptions } from '../../lib/broadcast/broadcasterOptions';
import { type SseMiddlewareOptions, sseMiddleware } from '../../middleware/sseMiddleware';

/**
 * A test server whose streams can be cut on demand, with reconnects held back until the test has
 * published what the clients should miss: a forced drop with no race against the client's retry.
 */
export interface OutageServer<M> {
  broadcaster: Broadcaster<M>;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Cuts every open stream and holds new requests; resolves once every stream has left the registry. */
  drop(): Promise<void>;
  /** Lets the held requests through; resolves once `streams` streams are registered again. */
  restore(streams?: number): Promise<void>;
  close(): Promise<void>;
}

function connectionsReach<M>(
  broadcaster: Broadcaster<M>,
  count: number,
  event: 'connect' | 'disconnect',
): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (broadcaster.stats().connections !== count) return;
      broadcaster.off(event, check);
      resolve();
    };
    broadcaster.on(event, check);
    check();
  });
}

/** Starts the server on 127.0.0.1 with a short `retry:` so clients come back at once. */
export async function startOutageServer<M = undefined>(
  middleware: Partial<SseMiddlewareOptions<M>> = {},
  broadcasterOptions: BroadcasterOptions = {},
): Promise<OutageServer<M>> {
  const broadcaster = createBroadcaster<M>(broadcasterOptions);
  let outage: Promise<void> | undefined;
  let endOutage = (): void => {};
  const app = express();
  app.use((_req, _res, next) => {
    if (outage) outage.then(() => next());
    else next();
  });
  app.use(sseMiddleware<M>({ retryMs: 10, retryJitterMs: 0, ...middleware, broadcaster }));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    broadcaster,
    url: `http://127.0.0.1:${port}`,
    async drop() {
      outage = new Promise((resolve) => {
        endOutage = resolve;
      });
      server.closeAllConnections();
      await connectionsReach(broadcaster, 0, 'disconnect');
    },
    async restore(streams = 1) {
      const reconnected = connectionsReach(broadcaster, streams, 'connect');
      outage = undefined;
      endOutage();
      await reconnected;
    },
    async close() {
      endOutage();
      await broadcaster.close({ reconnect: false, reason: 'test over' });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
