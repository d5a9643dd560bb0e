import { openStarted } from '../../support/streamWaits';
import { startTestServer, type TestServer } from '../../support/testServer';

interface Viewer {
  user: string;
}

/**
 * `disconnectWhere`'s bad inputs, through the public surface: each is refused with a TypeError
 * naming what is wrong, and none of them ends any stream (the cross-process behaviour is in the
 * bus contract suite).
 */
describe('disconnectWhere refuses bad criteria and never ends every stream', () => {
  let server: TestServer<Viewer>;

  beforeAll(async () => {
    server = await startTestServer<Viewer>({ metadata: (req) => ({ user: String(req.query.user ?? '') }) });
  });
  afterAll(() => server.close());

  it.each([
    ['no criteria', {}, /at least one criterion/],
    ['not an object', 'alice', /criteria must be/],
    ['an array', [{ user: 'alice' }], /criteria must be/],
    ['empty metadata', { metadata: {} }, /criteria\.metadata must be/],
    ['metadata that is not an object', { metadata: 'alice' }, /criteria\.metadata must be/],
    ['a nested metadata value', { metadata: { user: { id: 1 } } }, /criteria\.metadata must be/],
    ['a non-finite number', { metadata: { n: Number.NaN } }, /criteria\.metadata must be/],
    ['an unknown criterion', { user: 'alice' }, /unknown criterion "user"/],
    ['a bad channel name', { channel: 'no spaces allowed' }, /channel name must match/],
  ])('refuses %s, and every stream stays open', async (_what, criteria, message) => {
    const stream = await openStarted(server.url, ['room'], undefined, { user: 'alice' });
    try {
      await expect(server.broadcaster.disconnectWhere(criteria as never)).rejects.toThrow(message);
      await expect(server.broadcaster.disconnectWhere(criteria as never)).rejects.toThrow(TypeError);
      expect(server.broadcaster.connections('room').map((connection) => connection.id)).toContain(stream.connectionId);
    } finally {
      await stream.close();
    }
  });

  it.each([
    ['a reason with a line break', { reason: 'a\nb' }, /option "reason" must be/],
    ['a negative after', { after: -1 }, /option "after" must be/],
    ['a reconnect that is not a boolean', { reconnect: 'no' }, /option "reconnect" must be/],
  ])('refuses close options with %s', async (_what, options, message) => {
    await expect(server.broadcaster.disconnectWhere({ metadata: { user: 'alice' } }, options as never)).rejects.toThrow(
      message,
    );
  });

  it('ends only the matching streams, with the reason given in place of revoked', async () => {
    const alice = await openStarted(server.url, ['room'], undefined, { user: 'alice' });
    const bob = await openStarted(server.url, ['room'], undefined, { user: 'bob' });
    try {
      expect(
        await server.broadcaster.disconnectWhere({ metadata: { user: 'alice' } }, { reason: 'signed out elsewhere' }),
      ).toBe(1);
      await alice.waitFor((event) => event.type === 'sse:close');
      expect(JSON.parse(alice.events.at(-1)!.data)).toEqual({ reconnect: false, reason: 'signed out elsewhere' });
      expect(server.broadcaster.connections('room').map((connection) => connection.metadata.user)).toEqual(['bob']);
      expect(await server.broadcaster.disconnectWhere({ metadata: { user: 'nobody' } })).toBe(0);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});
