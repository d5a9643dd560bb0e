import { type RevalidatedStream, Revalidation } from '../../../lib/broadcast/revalidation';
import type { ConnectionInfo } from '../../../lib/broadcast/sseConnection';
import { CLOSE_EVENT } from '../../../lib/protocol/protocolEvents';
import { ManualClock } from '../../support/manualClock';
import { openStarted } from '../../support/streamWaits';
import { startTestServer } from '../../support/testServer';

interface Viewer {
  user: string;
}

/** A stream as the rounds see it, recording when each of its channels was checked. */
class FakeStream implements RevalidatedStream<Viewer> {
  isOpen = true;
  readonly checkedAt: number[] = [];
  constructor(
    readonly metadata: Viewer,
    public channels: readonly string[],
  ) {}
  info(): ConnectionInfo<Viewer> {
    return { id: this.metadata.user, channel: this.channels[0]!, channels: this.channels } as ConnectionInfo<Viewer>;
  }
}

/** Lets the checks' promises settle (they are answered synchronously here). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('revalidate: access checked again while streams stay open', () => {
  it('checks every stream once per interval, spread over it, and ends only the channels that fail', async () => {
    const clock = new ManualClock();
    const revoked = new Map<string, readonly string[]>();
    let denied = '';
    const revalidation = new Revalidation<Viewer, FakeStream>(
      {
        everyMs: 1000,
        check: (viewer: Viewer, channel: string) => {
          streams.find((stream) => stream.metadata === viewer)!.checkedAt.push(clock.monotonic());
          return `${viewer.user}:${channel}` !== denied;
        },
      },
      clock,
      (stream, channels) => revoked.set(stream.metadata.user, channels),
      () => {},
    );
    const streams = Array.from({ length: 1000 }, (_, n) => new FakeStream({ user: `u${n}` }, ['board', 'chat']));
    for (const stream of streams) revalidation.add(stream);

    clock.advance(1000);
    expect(streams.every((stream) => stream.checkedAt.length === 0)).toBe(true);
    clock.advance(1000);
    await settle();
    // Each stream once, both channels; the round spread over the interval, never all at one instant.
    expect(streams.map((stream) => stream.checkedAt.length)).toEqual(streams.map(() => 2));
    const instants = new Set(streams.map((stream) => stream.checkedAt[0]));
    expect(instants.size).toBeGreaterThanOrEqual(8);
    expect(revoked.size).toBe(0);

    denied = 'u7:chat';
    clock.advance(1000);
    await settle();
    expect([...revoked]).toEqual([['u7', ['chat']]]);
    for (const stream of streams) revalidation.delete(stream);
    expect(clock.pending).toBe(0);
  });

  it('keeps a stream whose check throws, rejects or answers a non-boolean, and reports it', async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    const answers: Record<string, () => unknown> = {
      throws: () => {
        throw new Error('auth service down');
      },
      rejects: () => Promise.reject(new Error('timed out')),
      garbage: () => 'yes',
    };
    const ended: string[] = [];
    const revalidation = new Revalidation<Viewer, FakeStream>(
      {
        everyMs: 1000,
        check: (viewer: Viewer) => answers[viewer.user]!() as boolean,
        onError: (error: Error, connection: ConnectionInfo<Viewer>, channel: string) =>
          errors.push(`${connection.id}/${channel}: ${error.message}`),
      },
      clock,
      (stream) => ended.push(stream.metadata.user),
      () => {},
    );
    for (const user of Object.keys(answers)) revalidation.add(new FakeStream({ user }, ['room']));
    clock.advance(2000);
    await settle();
    expect(ended).toEqual([]);
    expect(errors.sort()).toEqual([
      'garbage/room: check must answer a boolean, got "yes"',
      'rejects/room: timed out',
      'throws/room: auth service down',
    ]);
    revalidation.stop();
  });

  it.each([
    ['no check', { everyMs: 1000 }, /option "check" must be a function/],
    ['an interval under a second', { everyMs: 10, check: () => true }, /option "everyMs" must be an integer >= 1000/],
    ['not an object', 'often', /options must be an object/],
  ])('refuses %s at createBroadcaster, naming it', async (_what, revalidate, message) => {
    await expect(startTestServer({}, { revalidate: revalidate as never })).rejects.toThrow(message);
  });

  it('ends only the channel that starts failing on a multi-channel stream, with a revoked close naming it', async () => {
    const allowed = new Set(['alice:board', 'alice:chat', 'bob:board']);
    const server = await startTestServer<Viewer>(
      { metadata: (req) => ({ user: String(req.query.user) }) },
      { revalidate: { everyMs: 1000, check: (viewer, channel) => allowed.has(`${viewer.user}:${channel}`) } },
    );
    const alice = await openStarted(server.url, ['board', 'chat'], undefined, { user: 'alice' });
    const bob = await openStarted(server.url, ['board'], undefined, { user: 'bob' });
    try {
      allowed.delete('alice:chat');
      await alice.waitFor((event) => event.type === CLOSE_EVENT, { timeoutMs: 10_000 });
      expect(JSON.parse(alice.events.at(-1)!.data)).toEqual({ reconnect: false, reason: 'revoked', channel: 'chat' });
      await server.broadcaster.publish('board', { data: 'still here' });
      await server.broadcaster.publish('chat', { data: 'not for alice' });
      await alice.waitFor((event) => event.data === 'still here');
      await bob.waitFor((event) => event.data === 'still here');
      expect(alice.events.map((event) => event.data)).not.toContain('not for alice');

      allowed.delete('bob:board');
      await bob.waitFor((event) => event.type === CLOSE_EVENT, { timeoutMs: 10_000 });
      expect(JSON.parse(bob.events.at(-1)!.data)).toEqual({ reconnect: false, reason: 'revoked' });
      expect(server.broadcaster.connections().map((connection) => connection.metadata.user)).toEqual(['alice']);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await server.close();
    }
  });
});
