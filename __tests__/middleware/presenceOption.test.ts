import request from 'supertest';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { PRESENCE_EVENT } from '../../lib/protocol/protocolEvents';
import { openStarted } from '../support/streamWaits';
import { startTestServer, type TestServer } from '../support/testServer';

/**
 * `sseMiddleware`'s `presence` through HTTP: a member per channel, and what a bad presence
 * function does: it refuses that one stream with 500 and a JSON message, never anything else.
 */
describe('sseMiddleware presence', () => {
  let server: TestServer<undefined>;

  beforeAll(async () => {
    server = await startTestServer(
      {
        presence: (req, channel) => {
          const as = String(req.query.as ?? '');
          if (as === 'throws') throw new Error('directory unreachable');
          if (as === 'rejects') return Promise.reject(new Error('timed out'));
          if (as === 'number') return 42 as never;
          if (as === 'no-id') return { name: 'x' } as never;
          if (as === 'nested') return { id: 'x', roles: ['admin'] } as never;
          if (as === 'huge') return { id: 'x', bio: 'b'.repeat(2000) } as never;
          return channel === 'lobby' || as === '' ? undefined : { id: as, name: `<i>${as}</i>` };
        },
      },
      { presence: { intervalMs: 100 } },
    );
  });
  afterAll(() => server.close());

  it.each([
    ['throws', /^presence failed: directory unreachable$/],
    ['rejects', /^presence failed: timed out$/],
    ['number', /must return \{ id, \.\.\.fields \} or undefined, got 42/],
    ['no-id', /id must be a string of 1 to 200 characters, got undefined/],
    ['nested', /field "roles" must be a string, finite number, boolean or null/],
    ['huge', /at most 1024 bytes as JSON/],
  ])(
    'refuses the stream of a presence function that %s with 500 and a JSON message; other streams stay',
    async (as, message) => {
      const watcher = await openStarted(server.url, ['board'], undefined, { as: 'watcher' });
      try {
        const res = await request(server.app).get('/sse/board').query({ as }).expect(500);
        expect(res.body.error).toMatch(message);
        expect(server.broadcaster.connections().map((connection) => connection.id)).toEqual([watcher.connectionId]);
      } finally {
        await watcher.close();
      }
    },
  );

  it('makes a member of each channel the function names, escaped as data, and none where it answers undefined', async () => {
    const alice = await openStarted(server.url, ['board', 'lobby'], undefined, { as: 'alice' });
    try {
      await alice.waitFor((event) => event.type === PRESENCE_EVENT);
      expect(JSON.parse(alice.events.find((event) => event.type === PRESENCE_EVENT)!.data)).toEqual({
        channel: 'board',
        count: 1,
        members: [{ id: 'alice', name: '<i>alice</i>' }],
        joined: ['alice'],
        left: [],
      });
      expect(await server.broadcaster.presence('lobby')).toEqual({ channel: 'lobby', count: 0, members: [] });
    } finally {
      await alice.close();
    }
  });

  it('refuses connect presence for a channel the stream does not carry, and a bad presence option', () => {
    const broadcaster = createBroadcaster();
    expect(() =>
      broadcaster.connect({} as never, { channel: 'board', metadata: undefined, presence: { lobby: { id: 'a' } } }),
    ).toThrow(/presence names "lobby", a channel the stream does not carry/);
    expect(() => createBroadcaster({ presence: { intervalMs: 0 } })).toThrow(/option "intervalMs" must be/);
    expect(() => createBroadcaster({ presence: 'on' as never })).toThrow(/options must be an object/);
  });
});
