/**
 * One app process of a test cluster: Express + sseMiddleware on a RedisBus, plus control routes
 * the test drives (see `controlRoutes.ts`, plus shut down). Run as a real child process
 * (the tests bundle it with esbuild first, which starts far faster than ts-node on a busy
 * machine), with `REDIS_URL` (or `REDIS_CLUSTER_NODES`, comma-separated) and `KEY_PREFIX` in the
 * environment, and optionally `DURABILITY=replicated`. A stream with `?member=<id>` is that member
 * of its channels' presence (told every 200 ms). Prints one JSON line
 * `{ "port": …, "processId": … }` once it listens on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../middleware/sseMiddleware';
import { RedisBus } from '../../redis';
import { addControlRoutes, idFromQuery } from './controlRoutes';

const clusterNodes = process.env.REDIS_CLUSTER_NODES?.split(',');
const bus = new RedisBus({
  // On a Redis Cluster, channels named `<group>.<name>` share their group's bucket.
  ...(clusterNodes
    ? { cluster: { rootNodes: clusterNodes, bucketKey: (channel: string) => channel.split('.')[0] } }
    : { url: process.env.REDIS_URL }),
  durability: process.env.DURABILITY === 'replicated' ? 'replicated' : 'primary',
  keyPrefix: process.env.KEY_PREFIX,
  commandTimeoutMs: 2000,
  blockMs: 1000,
  statsIntervalMs: 200,
});
const broadcaster = createBroadcaster({ bus, presence: { intervalMs: 200 } });

const app = express();
app.use(express.json());
app.use(
  sseMiddleware({
    broadcaster,
    stats: true,
    connectionId: idFromQuery,
    // A stream whose request names `?member=` is that member on its channels' presence.
    presence: (req) => (typeof req.query.member === 'string' ? { id: req.query.member } : undefined),
  }),
);

addControlRoutes(app, broadcaster);
app.get('/control/presence/:channel', async (req, res) => {
  res.json(await broadcaster.presence(req.params.channel));
});
app.get('/control/cluster-stats', async (_req, res) => {
  res.json(await bus.clusterStats());
});
app.post('/control/shutdown', (_req, res) => {
  res.json({ closing: true });
  // Nothing else keeps the process alive: if a Redis connection stayed open, it would not exit.
  res.on('finish', () => {
    void broadcaster.close({ reconnect: false }).then(() => {
      server.close();
      // The test's own keep-alive sockets would otherwise hold the server open for seconds.
      server.closeAllConnections();
    });
  });
});

const server = createServer(app);
void bus.ready().then(() => {
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ port, processId: bus.processId })}\n`);
  });
});
