import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer as createHttp2Server, connect as http2Connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { openEventStream } from '../../lib/protocol/openEventStream';
import { HEARTBEAT_EVENT } from '../../lib/protocol/protocolEvents';
import { RecordingEventSource } from '../support/eventSourceClient';
import { startTestServer, type TestServer } from '../support/testServer';

/** Opens a stream and collects its text until `done(text)` holds. */
function readUntil(url: string, done: (text: string) => boolean): Promise<{ res: IncomingMessage; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (done(text)) {
          res.destroy();
          resolve({ res, text });
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('stream response', () => {
  let server: TestServer<undefined>;
  afterEach(() => server.close());

  it('sends SSE headers at once and a first retry with per-connection jitter', async () => {
    server = await startTestServer({ retryMs: 3000, retryJitterMs: 500 });
    const { res, text } = await readUntil(`${server.url}/sse/news`, (t) => t.includes('\n\n'));
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers.connection).toBe('keep-alive');
    const retry = Number(/^retry: (\d+)\n\n/.exec(text)?.[1]);
    expect(retry).toBeGreaterThanOrEqual(3000);
    expect(retry).toBeLessThanOrEqual(3500);
  });

  it('sends a named keep-alive event that page scripts can see', async () => {
    server = await startTestServer({ keepAlive: { intervalMs: 20 } });
    const client = new RecordingEventSource(`${server.url}/sse/news`, [HEARTBEAT_EVENT]);
    try {
      await client.received(2, HEARTBEAT_EVENT);
      expect(Number(client.data(HEARTBEAT_EVENT)[0])).toBeGreaterThan(1_600_000_000_000);
    } finally {
      client.close();
    }
  });

  it('can send keep-alives as comments instead', async () => {
    server = await startTestServer({ keepAlive: { intervalMs: 20, as: 'comment' } });
    const { text } = await readUntil(`${server.url}/sse/news`, (t) => t.includes(': keep-alive\n\n'));
    expect(text).not.toContain('event: sse:heartbeat');
  });
});

describe('openEventStream on HTTP/2', () => {
  it('sends no Connection header (forbidden in HTTP/2) and streams frames', async () => {
    const server = createHttp2Server((req, res) => {
      openEventStream(req, res, { retryMs: 100, retryJitterMs: 0 });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2Connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const stream = client.request({ ':path': '/sse/news' });
      const [headers, body] = await new Promise<[Record<string, unknown>, string]>((resolve, reject) => {
        let head: Record<string, unknown> = {};
        let text = '';
        stream.on('response', (h) => {
          head = h;
        });
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          text += chunk;
        });
        stream.on('end', () => resolve([head, text]));
        stream.on('error', reject);
      });
      expect(headers[':status']).toBe(200);
      expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(headers).not.toHaveProperty('connection');
      expect(body).toBe('retry: 100\n\n');
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
