import { createServer, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, connect as http2Connect } from 'node:http2';
import { type AddressInfo, connect } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import express from 'express';
import { createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { openEventStream } from '../../../lib/protocol/openEventStream';
import { sseMiddleware } from '../../../middleware/sseMiddleware';
import { RecordingEventSource } from '../../support/eventSourceClient';

/**
 * A connection writes pre-framed chunks straight to the socket only for a plain HTTP/1.1 chunked
 * response; everything else (a wrapped `res.write`, HTTP/2) must take `res.write` and still
 * deliver the same events, with the same slow-client accounting.
 */
describe('connection write paths', () => {
  it('goes through a res.write that middleware wrapped (e.g. compression), byte for byte', async () => {
    let wrappedWrites = 0;
    const broadcaster = createBroadcaster();
    const app = express();
    // In front of the SSE routes, as a compression middleware would be.
    app.use((_req, res, next) => {
      const write = res.write;
      res.write = function countedWrite(this: typeof res, ...args: Parameters<typeof write>) {
        wrappedWrites += 1;
        return write.apply(this, args);
      } as typeof write;
      next();
    });
    app.use(sseMiddleware({ broadcaster }));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new RecordingEventSource(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sse/news`, [
      'note',
    ]);
    try {
      await client.opened();
      const before = wrappedWrites;
      await broadcaster.publish('news', { data: 'one\ntwo' });
      await broadcaster.publish('news', { event: 'note', data: 'three' });
      await broadcaster.publish('news', { data: 'four' });
      await client.received(2);
      await client.received(1, 'note');
      expect(client.events.map((e) => e.data)).toEqual(['one\ntwo', 'three', 'four']);
      expect(wrappedWrites - before).toBe(3);
    } finally {
      client.close();
      await broadcaster.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('delivers over HTTP/2 through res.write', async () => {
    const broadcaster = createBroadcaster();
    const server = createHttp2Server((req, res) => {
      openEventStream(req, res, { retryMs: 100, retryJitterMs: 0 });
      broadcaster.connect(res, { channel: 'news', metadata: undefined });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const session = http2Connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const stream = session.request({ ':path': '/' });
      const events: EventSourceMessage[] = [];
      let started: () => void = () => {};
      const whenStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const parser = createParser({
        onEvent: (event) => {
          events.push(event);
          if (event.event === 'sse:connection') started();
        },
      });
      stream.setEncoding('utf8');
      const ended = new Promise<void>((resolve) => stream.on('end', resolve));
      stream.on('data', (chunk: string) => parser.feed(chunk));
      // The stream has started (cursor and identity out): what is published now is written, not held.
      await whenStarted;
      const first = await broadcaster.publish('news', { data: 'a\r\nb' });
      await broadcaster.publish('news', { event: 'named', data: { n: 1 } });
      await broadcaster.close({ reconnect: false });
      await ended;
      expect(first.delivered).toBe(1);
      expect(events.map((e) => [e.event, e.data, e.id])).toEqual([
        ['sse:cursor', '', expect.any(String)],
        ['sse:connection', expect.any(String), undefined],
        [undefined, 'a\nb', first.id],
        ['named', '{"n":1}', expect.stringMatching(/\.2$/)],
        ['sse:close', '{"reconnect":false}', undefined],
      ]);
    } finally {
      session.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('evicts a client that never reads on the res.write path too, under the cap', async () => {
    const cap = 256 * 1024;
    const broadcaster = createBroadcaster({ maxBufferedBytes: cap });
    // A plain node:http response whose write is wrapped takes the res.write path.
    const server = createServer((req, res) => {
      const write = res.write;
      res.write = ((...args: Parameters<ServerResponse['write']>) => write.apply(res, args)) as ServerResponse['write'];
      openEventStream(req, res);
      broadcaster.connect(res, { channel: 'feed', metadata: undefined });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const stalled = connect((server.address() as AddressInfo).port, '127.0.0.1');
    stalled.on('error', () => {});
    try {
      stalled.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      stalled.pause();
      const evicted = new Promise<string>((resolve) =>
        broadcaster.once('disconnect', (_info, reason) => resolve(reason)),
      );
      await new Promise<void>((resolve) => broadcaster.once('connect', () => resolve()));
      const payload = 'x'.repeat(64 * 1024);
      let maxBuffered = 0;
      for (let i = 0; i < 400 && broadcaster.stats().connections > 0; i += 1) {
        await broadcaster.publish('feed', { data: payload });
        for (const info of broadcaster.connections('feed')) maxBuffered = Math.max(maxBuffered, info.bufferedBytes);
      }
      expect(await evicted).toBe('evicted');
      expect(maxBuffered).toBeGreaterThan(0);
      expect(maxBuffered).toBeLessThanOrEqual(cap);
    } finally {
      stalled.destroy();
      await broadcaster.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
