/**
 * A process that opens and drops one channel stream and serves one `SseStream` to itself, then
 * exits: `debugLog.test.ts` runs it with and without `NODE_DEBUG=express-htmx-sse`, and with the
 * instances' `debug` option set to `DEBUG_OPTION` (`true` or `false`; unset: not given), and reads stderr.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { SseStream } from '../../lib/pipeline/sseStream';
import { sseMiddleware } from '../../middleware/sseMiddleware';

async function main(): Promise<void> {
  const option = process.env.DEBUG_OPTION;
  const debug = option === undefined ? {} : { debug: option === 'true' };
  const broadcaster = createBroadcaster(debug);
  const app = express();
  app.use(sseMiddleware({ broadcaster, connectionId: () => 'debug-tab' }));
  const once = new SseStream<string>(debug);
  app.get('/once', (req, res) => {
    void once.serve(
      req,
      res,
      (async function* () {
        yield 'only';
      })(),
    );
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const disconnected = new Promise((resolve) => broadcaster.once('disconnect', resolve));
  const abort = new AbortController();
  const response = await fetch(`${base}/sse/room`, { signal: abort.signal });
  await response.body?.getReader().read();
  abort.abort();
  await disconnected;
  await (await fetch(`${base}/once`)).text();
  await broadcaster.close();
  server.closeAllConnections();
  server.close();
}

void main();
