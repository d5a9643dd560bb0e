import { request as httpRequest, type IncomingMessage } from 'node:http';
import request from 'supertest';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../middleware/sseMiddleware';
import { startTestServer, type TestServer } from '../support/testServer';

/** Opens a stream and resolves once its headers arrived; the caller destroys it. */
function holdStream(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers }, resolve);
    req.on('error', reject);
    req.end();
  });
}

describe('refusals: status and JSON error', () => {
  let server: TestServer<{ user: string }>;
  const held: IncomingMessage[] = [];
  beforeEach(async () => {
    server = await startTestServer<{ user: string }>({
      authorize: async (req, channel) => {
        if (!req.get('x-user')) return { status: 401, message: 'sign in first' };
        return channel !== 'secret';
      },
      metadata: (req) => ({ user: req.get('x-user') ?? '' }),
      maxConnections: 3,
      maxConnectionsPerClient: 2,
      clientKey: (req) => req.get('x-user') ?? 'anonymous',
      retryAfterSeconds: 7,
    });
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.destroy();
    await server.close();
  });

  it.each([
    ['/sse/has%20space', 'space'],
    [`/sse/${'a'.repeat(129)}`, 'too long'],
    ['/sse/%3Cscript%3E', 'angle brackets'],
    ['/sse/caf%C3%A9', 'non-ASCII'],
  ])('answers 400 for a bad channel name (%s: %s)', async (path) => {
    const res = await request(server.app).get(path).set('x-user', 'ann');
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/json');
    expect(res.body.error).toMatch(/invalid channel name/);
  });

  it('answers 401 with the message authorize gave', async () => {
    const res = await request(server.app).get('/sse/news');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'sign in first' });
  });

  it('answers 403 when authorize returns false', async () => {
    const res = await request(server.app).get('/sse/secret').set('x-user', 'ann');
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/not allowed to listen to secret/);
  });

  it('answers 429 with Retry-After past the per-client limit, and 503 past the global one', async () => {
    const open = (user: string) => holdStream(`${server.url}/sse/news`, { 'x-user': user });
    held.push(await open('ann'), await open('ann'));
    const perClient = await request(server.app).get('/sse/news').set('x-user', 'ann');
    expect(perClient.status).toBe(429);
    expect(perClient.headers['retry-after']).toBe('7');
    expect(perClient.body.error).toMatch(/too many open streams from this client/);
    held.push(await open('bob'));
    const global = await request(server.app).get('/sse/news').set('x-user', 'cat');
    expect(global.status).toBe(503);
    expect(global.headers['retry-after']).toBe('7');
    expect(global.body.error).toMatch(/too many open streams on this server/);
  });

  it('gives a slot back when its stream closes', async () => {
    const open = (user: string) => holdStream(`${server.url}/sse/news`, { 'x-user': user });
    const first = await open('ann');
    held.push(await open('ann'));
    expect((await request(server.app).get('/sse/news').set('x-user', 'ann')).status).toBe(429);
    const disconnected = new Promise((resolve) => server.broadcaster.once('disconnect', resolve));
    first.destroy();
    await disconnected;
    const again = await open('ann');
    held.push(again);
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('gives slots back when the server ends the streams', async () => {
    held.push(
      await holdStream(`${server.url}/sse/news`, { 'x-user': 'ann' }),
      await holdStream(`${server.url}/sse/news`, { 'x-user': 'bob' }),
    );
    held.push(await holdStream(`${server.url}/sse/news`, { 'x-user': 'bob' }));
    expect((await request(server.app).get('/sse/news').set('x-user', 'cy')).status).toBe(503);
    server.broadcaster.closeChannel('news', { reason: 'reset' });
    const [cy, bob] = [
      await holdStream(`${server.url}/sse/news`, { 'x-user': 'cy' }),
      await holdStream(`${server.url}/sse/news`, { 'x-user': 'bob' }),
    ];
    held.push(cy, bob);
    expect([cy.statusCode, bob.statusCode]).toEqual([200, 200]);
  });

  it('answers 404 JSON for stats unless enabled, and JSON stats when enabled', async () => {
    const off = await request(server.app).get('/sse/_stats');
    expect(off.status).toBe(404);
    expect(off.body.error).toMatch(/stats are not enabled/);
    const guarded = await startTestServer({ stats: (req) => req.get('x-admin') === 'yes' });
    try {
      expect((await request(guarded.app).get('/sse/_stats')).status).toBe(404);
      const on = await request(guarded.app).get('/sse/_stats').set('x-admin', 'yes');
      expect(on.status).toBe(200);
      expect(on.body).toMatchObject({
        connections: 0,
        byChannel: {},
        eventsSent: 0,
        evictions: 0,
        bus: { kind: 'memory', connected: true },
      });
    } finally {
      await guarded.close();
    }
  });

  it('answers 503 once the broadcaster is closed', async () => {
    await server.broadcaster.close();
    const res = await request(server.app).get('/sse/news').set('x-user', 'ann');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/shutting down/);
  });

  it('passes an exception from the metadata option to Express error handling', async () => {
    const failing = await startTestServer({
      metadata: () => {
        throw new Error('no session store');
      },
    });
    failing.app.use(
      (error: Error, _req: unknown, res: { status(n: number): { json(b: unknown): void } }, _next: unknown) => {
        res.status(500).json({ error: error.message });
      },
    );
    try {
      const res = await request(failing.app).get('/sse/news');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'no session store' });
    } finally {
      await failing.close();
    }
  });
});

describe('programming errors: TypeError naming the bad value', () => {
  const broadcaster = createBroadcaster();
  afterAll(() => broadcaster.close());

  it('refuses bad channel names, event names and messages on publish', async () => {
    await expect(broadcaster.publish('bad channel', { data: 'x' })).rejects.toThrow(
      /channel name .* got "bad channel"/,
    );
    await expect(broadcaster.publish('ok', { event: 'a\nb', data: 'x' })).rejects.toThrow(
      /"event" must not contain CR, LF or NUL, got "a\\nb"/,
    );
    await expect(broadcaster.publish('ok', null as never)).rejects.toThrow(TypeError);
    await expect(broadcaster.publish('ok', { data: undefined as never })).rejects.toThrow(TypeError);
    await expect(broadcaster.sendTo('', { data: 'x' })).rejects.toThrow(TypeError);
  });

  it('refuses a key that is not a non-empty string of at most 200 bytes without CR, LF or NUL, and keys on sendTo and announce', async () => {
    await expect(broadcaster.publish('ok', { key: '', data: 'x' })).rejects.toThrow(
      new TypeError('publish: key must be a non-empty string, got ""'),
    );
    await expect(broadcaster.publish('ok', { key: 42 as never, data: 'x' })).rejects.toThrow(
      new TypeError('publish: key must be a non-empty string, got 42'),
    );
    await expect(broadcaster.publish('ok', { key: 'cpu\r\n', data: 'x' })).rejects.toThrow(
      new TypeError('publish: key must not contain CR, LF or NUL, got "cpu\\r\\n"'),
    );
    // 67 euro signs are 201 bytes of UTF-8 (67 characters): bytes are what is counted.
    await expect(broadcaster.publish('ok', { key: '€'.repeat(67), data: 'x' })).rejects.toThrow(
      new RangeError(`publish: key must be at most 200 bytes of UTF-8, got 201 bytes: "${'€'.repeat(67)}"`),
    );
    await expect(broadcaster.publish('ok', { key: '€'.repeat(66), data: 'x' })).resolves.toMatchObject({
      superseded: false,
    });
    const noChannel =
      /a key supersedes earlier events of a channel's history, and (sendTo|announce) sends on no channel/;
    await expect(broadcaster.sendTo('some-id', { key: 'cpu', data: 'x' } as never)).rejects.toThrow(noChannel);
    await expect(broadcaster.announce({ key: 'cpu', data: 'x' } as never)).rejects.toThrow(noChannel);
  });

  it('refuses bad options', () => {
    expect(() => createBroadcaster({ maxBufferedBytes: 0 })).toThrow(/option "maxBufferedBytes" .* got 0/);
    expect(() => createBroadcaster({ history: { size: -5 } })).toThrow(TypeError);
    expect(() => sseMiddleware({} as never)).toThrow(TypeError);
    expect(() => sseMiddleware({ broadcaster, prefix: 'sse' })).toThrow(
      /option "prefix" must be a path such as "\/sse", got "sse"/,
    );
    expect(() => sseMiddleware({ broadcaster, maxConnections: 0 })).toThrow(/option "maxConnections" .* got 0/);
    expect(() => sseMiddleware({ broadcaster, keepAlive: { as: 'ping' as never } })).toThrow(
      /KeepAlive: option "as" must be one of "event", "comment", got "ping"/,
    );
  });
});
