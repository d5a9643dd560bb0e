/**
 * A child process for the shutdown test: an app with the SSE middleware and the shutdown
 * handler, listening on an ephemeral loopback port it prints as JSON on its first line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBroadcaster, installShutdownHandler, sseMiddleware } from '../../index';

const broadcaster = createBroadcaster();
const app = express();
app.use(sseMiddleware({ broadcaster }));
const server = createServer(app);
installShutdownHandler(server, broadcaster, { reconnectAfterMs: 250, graceMs: 2000 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
