import request from 'supertest';
import { parseChannelCursor } from '../../lib/protocol/channelCursor';
import { splitStreamEventId } from '../../lib/protocol/eventId';
import { CLOSE_EVENT, GAP_EVENT } from '../../lib/protocol/protocolEvents';
import { eachBusTarget, type TargetWorld } from '../support/busTargets';
import { RecordingEventSource } from '../support/eventSourceClient';
import { type OutageServer, startOutageServer } from '../support/outageServer';
import { within } from '../support/streamWaits';
import { startTestServer, type TestServer } from '../support/testServer';

const CHANNELS = ['alpha', 'beta', 'gamma'];

/** The message data a client received on each channel, read from the events' `<channel>/<position>` ids. */
function byChannel(client: RecordingEventSource): Record<string, string[]> {
  const seen: Record<string, string[]> = Object.fromEntries(CHANNELS.map((channel) => [channel, []]));
  for (const event of client.events.filter((e) => e.type === 'message'))
    seen[splitStreamEventId(event.lastEventId).channel!].push(event.data);
  return seen;
}

/** A stream's channels' events across forced drops, on every bus (the middleware's side is the same on each). */
describe.each(eachBusTarget())(
  'one stream over several channels (GET {prefix}?channels=a,b,c) on $name',
  ({ target }) => {
    let world: TargetWorld<OutageServer<undefined>>;
    const clients: RecordingEventSource[] = [];
    beforeAll(() => target.setUp(), 120_000);
    afterAll(() => target.tearDown());
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await world.close();
    });

    function listen(url: string): RecordingEventSource {
      const client = new RecordingEventSource(url, [GAP_EVENT]);
      clients.push(client);
      return client;
    }

    it('delivers every channel exactly once and in order across two forced drops; a channel pushed out of history gets its own gap', async () => {
      world = await target.start((broadcaster) => startOutageServer({}, broadcaster), {
        processes: 1,
        history: { size: 10 },
      });
      const server = world.processes[0]!;
      const expected: Record<string, string[]> = { alpha: [], beta: [], gamma: [] };
      let sent = 0;
      let total = 0;
      const publish = async (channel: string): Promise<void> => {
        const data = `${channel} ${sent++}`;
        expected[channel].push(data);
        total += 1;
        const receipt = await server.broadcaster.publish(channel, { data });
        expect(splitStreamEventId(receipt.id).channel).toBe(channel);
      };
      const client = listen(`${server.url}/sse?channels=${CHANNELS.join(',')}`);
      await within(client.started(), 'started', () => client.events);

      for (let round = 0; round < 3; round += 1) for (const channel of CHANNELS) await publish(channel);
      await within(client.received(total), 'received(total)', () => client.events);

      await server.drop();
      for (let round = 0; round < 4; round += 1) for (const channel of CHANNELS) await publish(channel);
      await server.restore();
      await within(client.received(total), 'received(total)', () => client.events);
      expect(byChannel(client)).toEqual(expected);

      await server.drop();
      // gamma: more events after the cursor than the 10 kept, so some it missed are gone; alpha and beta: 2 each.
      const pushedOut = 12;
      for (let i = 0; i < pushedOut; i += 1) await publish('gamma');
      for (let i = 0; i < 2; i += 1) for (const channel of ['alpha', 'beta']) await publish(channel);
      await server.restore();
      await within(client.received(1, GAP_EVENT), 'received(1, GAP_EVENT)', () => client.events);
      const gap = JSON.parse(client.data(GAP_EVENT)[0]);
      expect(gap).toMatchObject({
        channel: 'gamma',
        latestId: expect.stringMatching(/^gamma\/[0-9a-zA-Z]+\.[0-9a-zA-Z]+$/),
      });
      // The cursor the client came back with: its last event's id, or where the channels may come out
      // of position order (several partitions), a position per channel.
      if (target.partitions === 'one')
        expect(splitStreamEventId(gap.lastEventId).position).toMatch(/^[0-9a-zA-Z]+\.[0-9a-zA-Z]+$/);
      else expect([...(parseChannelCursor(gap.lastEventId)?.keys() ?? [])].sort()).toEqual(CHANNELS);
      // The gap replaces gamma's missed events: the page resyncs gamma instead.
      expected.gamma = expected.gamma.slice(0, 7);
      total -= pushedOut;
      await within(client.received(total), 'received(total)', () => client.events);
      for (const channel of CHANNELS) await publish(channel);
      await within(client.received(total), 'received(total)', () => client.events);

      expect(client.data(GAP_EVENT)).toHaveLength(1);
      expect(byChannel(client)).toEqual(expected);
    });
  },
);

describe('one stream over several channels, against the per-client limit', () => {
  let server: OutageServer<undefined>;
  const clients: RecordingEventSource[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  function listen(url: string): RecordingEventSource {
    const client = new RecordingEventSource(url, [GAP_EVENT]);
    clients.push(client);
    return client;
  }

  it('counts one stream against the per-client limit, however many channels it carries', async () => {
    server = await startOutageServer({ maxConnectionsPerClient: 1 });
    const client = listen(`${server.url}/sse?channels=alpha,beta,gamma,alpha`);
    await client.opened();
    expect(server.broadcaster.connections()).toEqual([
      expect.objectContaining({ channel: 'alpha', channels: ['alpha', 'beta', 'gamma'] }),
    ]);
    expect(server.broadcaster.stats()).toMatchObject({ connections: 1, byChannel: { alpha: 1, beta: 1, gamma: 1 } });
    const second = await request(server.url).get('/sse?channels=delta');
    expect(second.status).toBe(429);
  });
});

describe('refusing a multi-channel stream', () => {
  let server: TestServer<undefined>;
  afterEach(() => server.close());

  it('answers 403 naming the refused channel, and opens nothing', async () => {
    const asked: string[] = [];
    server = await startTestServer({
      authorize: (_req, channel) => {
        asked.push(channel);
        return channel !== 'secret';
      },
    });
    const res = await request(server.app).get('/sse?channels=news,secret,sport');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ channel: 'secret', error: 'not allowed to listen to secret' });
    expect(asked.sort()).toEqual(['news', 'secret', 'sport']);
    expect(server.broadcaster.stats()).toMatchObject({ connections: 0, opened: 0 });
  });

  it('answers 400 beyond maxChannelsPerStream (default 32)', async () => {
    server = await startTestServer({});
    const names = (count: number) => Array.from({ length: count }, (_, i) => `c${i}`).join(',');
    const res = await request(server.app).get(`/sse?channels=${names(33)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('too many channels: 33, at most 32 per stream');
    await server.close();
    server = await startTestServer({ maxChannelsPerStream: 2 });
    const few = await request(server.app).get(`/sse?channels=${names(3)}`);
    expect(few.status).toBe(400);
    expect(server.broadcaster.stats().opened).toBe(0);
  });

  it.each([
    ['a bad name', '/sse?channels=news,b%20d', 'invalid channel name "b d"'],
    ['an empty name', '/sse?channels=news,', 'invalid channel name ""'],
    ['the parameter twice', '/sse?channels=a&channels=b', 'give channels once'],
  ])('answers 400 JSON for %s', async (_what, path, message) => {
    server = await startTestServer({});
    const res = await request(server.app).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
  });

  it('leaves {prefix} without a channels parameter to the next handler', async () => {
    server = await startTestServer({});
    expect((await request(server.app).get('/sse')).status).toBe(404);
  });

  it('refuses a bad maxChannelsPerStream with a TypeError naming it', async () => {
    server = await startTestServer({});
    const { sseMiddleware } = await import('../../middleware/sseMiddleware');
    expect(() => sseMiddleware({ broadcaster: server.broadcaster, maxChannelsPerStream: 0 })).toThrow(
      /sseMiddleware: option "maxChannelsPerStream" must be/,
    );
  });
});

describe('closing one channel of a multi-channel stream', () => {
  let server: TestServer<undefined>;
  afterEach(() => server.close());

  it('keeps the stream open for its other channels and tells it which channel ended', async () => {
    server = await startTestServer({});
    const shared = new RecordingEventSource(`${server.url}/sse?channels=job-1,news`, [CLOSE_EVENT]);
    const alone = new RecordingEventSource(`${server.url}/sse/job-1`, [CLOSE_EVENT]);
    try {
      await Promise.all([shared.opened(), alone.opened()]);
      expect(server.broadcaster.closeChannel('job-1', { reason: 'done' })).toBe(2);
      await Promise.all([shared.received(1, CLOSE_EVENT), alone.received(1, CLOSE_EVENT)]);
      alone.close(); // its stream has ended; the client must not come back on its own
      expect(JSON.parse(shared.data(CLOSE_EVENT)[0])).toEqual({ reconnect: false, reason: 'done', channel: 'job-1' });
      expect(JSON.parse(alone.data(CLOSE_EVENT)[0])).toEqual({ reconnect: false, reason: 'done' });
      await server.broadcaster.publish('job-1', { data: 'too late' });
      await server.broadcaster.publish('news', { data: 'still here' });
      await shared.received(1);
      expect(shared.data()).toEqual(['still here']);
      // `channel` (the first channel) follows: it no longer names the channel the stream left.
      expect(server.broadcaster.connections()).toEqual([
        expect.objectContaining({ channel: 'news', channels: ['news'] }),
      ]);
      const seenByFilter: string[] = [];
      await server.broadcaster.publish(
        'news',
        { data: 'filtered' },
        {
          filter: (connection) => {
            seenByFilter.push(connection.channel);
            return true;
          },
        },
      );
      expect(seenByFilter).toEqual(['news']);
      expect(server.broadcaster.stats().byChannel).toEqual({ news: 1 });
    } finally {
      shared.close();
      alone.close();
    }
  });
});
