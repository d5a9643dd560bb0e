import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBroadcaster, sseMiddleware } from '../../../index';
import { collectEvents, expectRefusal, openTestStream, StreamRefusedError, type TestStream } from '../../../testing';

describe('express-htmx-sse/testing', () => {
  const broadcaster = createBroadcaster();
  const app = express();
  app.use(sseMiddleware({ broadcaster, authorize: (_req, channel) => channel !== 'secret' }));
  const streams: TestStream[] = [];
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.close();
  });
  afterAll(() => broadcaster.close({ reconnect: false }));

  async function open(channel: string, lastEventId?: string): Promise<TestStream> {
    const stream = await openTestStream(app, { path: `/sse/${channel}`, lastEventId });
    streams.push(stream);
    return stream;
  }

  it('resolves at a count with exactly that many events', async () => {
    const stream = await open('count');
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    for (const data of ['one', 'two', 'three']) await broadcaster.publish('count', { data });
    const result = await stream.waitFor(2);
    expect(result.reason).toBe('count');
    expect(result.events.map((event) => event.data)).toEqual(['one', 'two']);
    expect(typeof stream.retry).toBe('number');
  });

  it('resolves at the first event a predicate accepts, named events included', async () => {
    const stream = await open('predicate');
    await broadcaster.publish('predicate', { event: 'progress', data: { percent: 50 } });
    await broadcaster.publish('predicate', { event: 'done', data: '<p>done</p>' });
    const result = await stream.waitFor((event) => event.type === 'done');
    expect(result.reason).toBe('predicate');
    expect(result.events.map(({ type, data }) => [type, data])).toEqual([
      ['progress', '{"percent":50}'],
      ['done', '<p>done</p>'],
    ]);
  });

  it('resolves with what arrived at the timeout, and at the end of the stream', async () => {
    const quiet = await collectEvents(app, { path: '/sse/quiet', until: 1, timeoutMs: 50 });
    expect(quiet).toEqual({ events: [], reason: 'timeout' });

    const stream = await open('ending');
    await broadcaster.publish('ending', { data: 'last' });
    broadcaster.closeChannel('ending', { reason: 'finished' });
    const result = await stream.waitFor(10);
    expect(result.reason).toBe('ended');
    expect(result.events.map((event) => event.type)).toEqual(['message', 'sse:close']);
    expect(stream.ended).toBe(true);
  });

  it('sends Last-Event-ID and gets exactly the later events replayed', async () => {
    const first = await broadcaster.publish('cursor', { data: 'seen' });
    await broadcaster.publish('cursor', { data: 'missed 1' });
    const last = await broadcaster.publish('cursor', { data: 'missed 2' });
    const stream = await open('cursor', first.id);
    const result = await stream.waitFor(2);
    expect(result.events.map((event) => event.data)).toEqual(['missed 1', 'missed 2']);
    expect(stream.lastEventId).toBe(last.id);
  });

  it('expects a refusal with its status and JSON body, and fails when a stream opens instead', async () => {
    const refused = await expectRefusal(app, { path: '/sse/secret', status: 403 });
    expect(refused.body).toMatchObject({ error: expect.any(String) });
    expect((await expectRefusal(app, { path: '/sse/bad%20name' })).status).toBe(400);
    await expect(expectRefusal(app, { path: '/sse/secret', status: 401 })).rejects.toThrow(
      'expected HTTP 401, got 403',
    );
    await expect(expectRefusal(app, { path: '/sse/open' })).rejects.toThrow('the event stream opened');
    await expect(openTestStream(app, { path: '/sse/secret' })).rejects.toBeInstanceOf(StreamRefusedError);
  });

  it('opens a stream on a URL of a running server', async () => {
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const stream = await openTestStream(`http://127.0.0.1:${port}/sse/by-url`);
      streams.push(stream);
      await broadcaster.publish('by-url', { data: 'hello' });
      expect((await stream.waitFor(1)).events[0].data).toBe('hello');
      await stream.close();
      expect(server.listening).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads any server’s stream as EventSource does, in whatever pieces it arrives', async () => {
    const raw = express();
    raw.get('/raw', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text =
        '\uFEFF: hello\nretry: 1500\r\nid: 1\revent: note\ndata: fïrst ✓\ndata:  two\r\n\r\ndata: same id\n\nid: 2\n\n';
      const bytes = Buffer.from(text, 'utf8');
      // Cut inside the BOM, between CR and LF, and inside a two-byte and a three-byte character.
      const cuts = [0, 1, bytes.indexOf('\r\n') + 1, bytes.indexOf('ï') + 1, bytes.indexOf('✓') + 2, bytes.length];
      for (let index = 1; index < cuts.length; index += 1) res.write(bytes.subarray(cuts[index - 1], cuts[index]));
      res.end();
    });
    const stream = await openTestStream(raw, { path: '/raw' });
    streams.push(stream);
    const result = await stream.waitFor(10);
    expect(result).toEqual({
      reason: 'ended',
      events: [
        { type: 'note', data: 'fïrst ✓\n two', lastEventId: '1' },
        { type: 'message', data: 'same id', lastEventId: '1' },
      ],
    });
    expect(stream.retry).toBe(1500);
    expect(stream.lastEventId).toBe('2');
  });

  it('names a bad argument', async () => {
    await expect(openTestStream('ftp://127.0.0.1/x')).rejects.toThrow(TypeError);
    await expect(openTestStream(app, { path: 'sse/x' })).rejects.toThrow(
      'openTestStream: option "path" must be a path starting with "/", got "sse/x"',
    );
    const stream = await open('args');
    expect(() => stream.waitFor(-1)).toThrow(RangeError);
  });
});
