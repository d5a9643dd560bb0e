import { createServer } from 'node:http';
import express from 'express';
import { createBroadcaster, installShutdownHandler, sseMiddleware } from '../index';

/** A minimal example server until the dashboard lands: one channel with a clock. */
const broadcaster = createBroadcaster();
const app = express();
app.use(sseMiddleware({ broadcaster, stats: true }));
app.get('/', (_req, res) => {
  res.type('html').send('<!doctype html><title>express-htmx-sse</title><pre id="out"></pre><script>new EventSource("/sse/clock").onmessage=(e)=>{document.getElementById("out").textContent=e.data}</script>');
});
const timer = setInterval(() => void broadcaster.publish('clock', { data: new Date().toISOString() }), 1000);
timer.unref();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const server = createServer(app).listen(port, host, () => console.log(`express-htmx-sse demo on http://${host}:${port}/`));
installShutdownHandler(server, broadcaster);
