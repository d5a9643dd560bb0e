/**
 * One app process of a test cluster: Express + sseMiddleware on a RedisBus, plus control routes
 * the test drives (publish, sendTo, list connections, shut down). Run as a real child process
 * (the tests bundle it with esbuild first, which starts far faster than ts-node on a busy
 * machine), with `REDIS_URL` and `KEY_PREFIX` in the environment. Prints one JSON line
 * `{ "port": …, "processId": … }` once it listens on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../middleware/sseMiddleware';
import { RedisBus } from '../../redis';

const bus = new RedisBus({
  url: process.env.REDIS_URL,
  keyPrefix: process.env.KEY_PREFIX,
  commandTimeoutMs: 2000,
  blockMs: 1000,
  statsIntervalMs: 200,
});
const broadcaster = createBroadcaster({ bus });

const app = express();
app.use(express.json());
app.use(sseMiddleware({ broadcaster, stats: true }));

app.post('/control/publish', async (req, res) => {
  try {
    res.json(await broadcaster.publish(req.body.channel, { data: req.body.data }));
  } catch (error) {
    res.status(503).json({ error: (error as Error).message });
  }
});
app.post('/control/send-to', async (req, res) => {
  res.json({
    written: await broadcaster.sendTo(req.body.connectionId, { event: req.body.event, data: req.body.data }),
  });
});
app.get('/control/connections', (_req, res) => {
  res.json(broadcaster.connections().map(({ id, channel }) => ({ id, channel })));
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
