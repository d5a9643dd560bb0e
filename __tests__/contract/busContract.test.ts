import type { PublishResult } from '../../lib/broadcast/broadcasterReports';
import { compareEventIds, cursorPosition, formatEventId, splitStreamEventId } from '../../lib/protocol/eventId';
import { parseFrame } from '../../lib/protocol/eventStreamParser';
import { CLOSE_EVENT, NOTICE_EVENT, PRESENCE_EVENT } from '../../lib/protocol/protocolEvents';
import { RedisKeys } from '../../lib/redis/redisKeys';
import type { TestStream } from '../../lib/testing/testStream';
import { eachBusTarget, type TargetWorld } from '../support/busTargets';
import { dataOn, expectOn, gapsIn, openStarted } from '../support/streamWaits';
import { startTestServer, type TestServer } from '../support/testServer';

/** Events a channel keeps in the shared world. */
const HISTORY = 50;
/** The history age of the expiry case's world. */
const MAX_AGE_MS = 60_000;
/** Buckets of a cluster bus (RedisBus's default): channels of a multi-partition case sit in different ones. */
const CLUSTER_BUCKETS = new RedisKeys('', 8);

/** Whose a stream is: the `user` query field of its request (empty when none). */
interface Viewer {
  user: string;
}

/** The interval of presence events in this suite's worlds. */
const PRESENCE_MS = 200;

/** A stream's request names its `user`; with `member`, it is that member on the channels' presence. */
const serve = (options: Parameters<typeof startTestServer>[1]) =>
  startTestServer<Viewer>(
    {
      metadata: (req) => ({ user: String(req.query.user ?? '') }),
      presence: (req) =>
        typeof req.query.member === 'string' ? { id: req.query.member, name: `Member ${req.query.member}` } : undefined,
    },
    { ...options, presence: { intervalMs: PRESENCE_MS } },
  );

/** The position part of an id, parsed (every id the log issues has one). */
function positionOf(id: string) {
  const position = cursorPosition(id);
  if (!position) throw new Error(`not a position: ${id}`);
  return position;
}

/** The position just before the event `id`'s: a cursor that has not seen it. */
function cursorBefore(id: string): string {
  const { epoch, sequence } = positionOf(id);
  return formatEventId(epoch, sequence - 1);
}

/** Two channel names whose cluster buckets differ, so their live readers are apart. */
function channelsInTwoBuckets(stem: string): [string, string] {
  const first = `${stem}-a`;
  for (let n = 0; ; n += 1) {
    const second = `${stem}-b${n}`;
    if (CLUSTER_BUCKETS.bucketOf(second) !== CLUSTER_BUCKETS.bucketOf(first)) return [first, second];
  }
}

/**
 * The event log and the messages between processes, through the public surface only (publish, real
 * HTTP streams, `Last-Event-ID` and `?lastEventId=`, and the broadcaster's history, recent, cursor,
 * sendTo, connection, disconnect and announce), the same cases on every bus. A case that needs
 * several processes uses process `i % n`: on the memory bus (one process) it runs on that one.
 */
describe.each(eachBusTarget())('the bus contract on $name', ({ target }) => {
  let world: TargetWorld<TestServer<Viewer>>;
  const streams: TestStream[] = [];
  let cases = 0;
  /** A channel name of this case's own. */
  const fresh = (stem: string): string => {
    cases += 1;
    return `${stem}-${cases}`;
  };
  const at = (index: number): TestServer<Viewer> => world.processes[index % world.processes.length]!;
  const publish = (process: number, channel: string, data: string, event?: string): Promise<PublishResult> =>
    at(process).broadcaster.publish(channel, { event, data });
  /** Publishes `data` with `key` (a latest-value event). */
  const publishKeyed = (process: number, channel: string, key: string, data: string): Promise<PublishResult> =>
    at(process).broadcaster.publish(channel, { key, data });
  /** The data of the events a history read answered, or `gap`. */
  const replayedData = async (process: number, channel: string, since: string): Promise<string[] | 'gap'> => {
    const history = await at(process).broadcaster.history(channel, { since });
    return history.kind === 'gap' ? 'gap' : history.events.map((event) => parseFrame(event.frame).data);
  };
  const superseded = (): number =>
    world.processes.reduce((sum, process) => sum + process.broadcaster.stats().superseded, 0);
  const track = (stream: TestStream): TestStream => {
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    await target.setUp();
    world = await target.start(serve, { history: { size: HISTORY } });
  }, 120_000);
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });
  afterAll(async () => {
    await world?.close();
    await target.tearDown();
  });

  it('replays the events after a cursor from history, and on a stream by Last-Event-ID and by ?lastEventId=, then goes live', async () => {
    const channel = fresh('replay');
    const receipts: PublishResult[] = [];
    for (let n = 0; n < 5; n += 1) receipts.push(await publish(n, channel, `e${n}`, n % 2 === 1 ? 'note' : undefined));
    const missed = receipts.slice(2);
    for (const process of world.processes) {
      const history = await process.broadcaster.history(channel, { since: receipts[1]!.id });
      if (history.kind !== 'events')
        throw new Error(`expected the events after the cursor, got ${JSON.stringify(history)}`);
      expect(history.events.map((event) => event.id)).toEqual(missed.map((r) => splitStreamEventId(r.id).position));
    }
    const byHeader = track(await openStarted(at(1).url, [channel], { lastEventId: receipts[1]!.id, in: 'header' }));
    const byQuery = track(await openStarted(at(2).url, [channel], { lastEventId: receipts[1]!.id, in: 'query' }));
    const live = await publish(0, channel, 'live');
    for (const stream of [byHeader, byQuery]) {
      await expectOn(stream, 4, 'the 3 missed events and the live one');
      expect(stream.events.map(({ type, data, lastEventId }) => ({ type, data, lastEventId }))).toEqual([
        { type: 'message', data: 'e2', lastEventId: receipts[2]!.id },
        { type: 'note', data: 'e3', lastEventId: receipts[3]!.id },
        { type: 'message', data: 'e4', lastEventId: receipts[4]!.id },
        { type: 'message', data: 'live', lastEventId: live.id },
      ]);
    }
  });

  it('answers a gap naming the channel, never a partial replay, for a cursor pushed out of history and for garbage', async () => {
    const channel = fresh('gap');
    const first = await publish(0, channel, 'first');
    let last = first;
    for (let n = 0; n <= HISTORY; n += 1) last = await publish(n, channel, `p${n}`);
    expect(await at(1).broadcaster.history(channel, { since: first.id })).toEqual({
      kind: 'gap',
      latestId: splitStreamEventId(last.id).position,
    });
    expect(await at(2).broadcaster.history(channel, { since: 'not-a-cursor' })).toMatchObject({ kind: 'gap' });

    const tooOld = track(await openStarted(at(2).url, [channel], { lastEventId: first.id, in: 'header' }));
    const garbage = track(await openStarted(at(1).url, [channel], { lastEventId: '\0\nnot-an-id', in: 'query' }));
    const live = await publish(0, channel, 'live');
    for (const stream of [tooOld, garbage]) {
      await expectOn(stream, (event) => event.data === 'live', 'a gap, then the live event');
      expect(stream.events.map((event) => event.type)).toEqual(['sse:gap', 'message']);
      expect(stream.events[1]!.lastEventId).toBe(live.id);
    }
    expect(gapsIn(tooOld.events)).toEqual([{ channel, lastEventId: first.id, latestId: last.id }]);
    expect(gapsIn(garbage.events)).toEqual([expect.objectContaining({ channel })]);
  });

  it('keeps the latest event per key and every unkeyed one: a replay after a cursor, on a stream too, is the latest per key among the events after it, in position order, while live streams get every event', async () => {
    const channel = fresh('keyed');
    const live = track(await openStarted(at(2).url, [channel]));
    const start = await at(0).broadcaster.cursor();
    const before = superseded();
    const receipts: PublishResult[] = [];
    const steps: Array<[key: string | undefined, data: string]> = [
      ['cpu', 'cpu 10%'],
      [undefined, 'deploy started'],
      ['memory', 'memory 1 GB'],
      ['cpu', 'cpu 20%'],
      [undefined, 'deploy done'],
      ['memory', 'memory 2 GB'],
      ['cpu', 'cpu 30%'],
    ];
    for (const [n, [key, data]] of steps.entries())
      receipts.push(key === undefined ? await publish(n, channel, data) : await publishKeyed(n, channel, key, data));
    expect(receipts.map((receipt) => receipt.superseded ?? false)).toEqual([
      false,
      false,
      false,
      true,
      false,
      true,
      true,
    ]);
    expect(superseded() - before).toBe(3);
    const all = ['deploy started', 'deploy done', 'memory 2 GB', 'cpu 30%'];
    for (const process of world.processes.keys()) {
      expect(await replayedData(process, channel, start)).toEqual(all);
      // After "memory 1 GB": of cpu 20%, deploy done, memory 2 GB and cpu 30%, cpu 20% is superseded.
      expect(await replayedData(process, channel, receipts[2]!.id)).toEqual(['deploy done', 'memory 2 GB', 'cpu 30%']);
      expect(await replayedData(process, channel, receipts[5]!.id)).toEqual(['cpu 30%']);
    }
    expect((await at(1).broadcaster.recent(channel)).map((event) => event.data)).toEqual(all);

    const resumed = track(await openStarted(at(1).url, [channel], { lastEventId: start, in: 'header' }));
    const last = await publishKeyed(0, channel, 'cpu', 'cpu 40%');
    await expectOn(resumed, 5, 'the latest per key, every unkeyed event, then the live one');
    expect(resumed.events.map((event) => event.lastEventId)).toEqual(
      [receipts[1], receipts[4], receipts[5], receipts[6], last].map((receipt) => receipt!.id),
    );
    await expectOn(live, 8, 'every event, live');
    expect(dataOn(live.events, channel)).toEqual([...steps.map(([, data]) => data), 'cpu 40%']);
  });

  it('never answers a gap because keys superseded events, however many: only trimming or expiry is a loss', async () => {
    const channel = fresh('superseding');
    const first = await publishKeyed(0, channel, 'a', 'a0');
    // Many more updates than history holds events: superseded ones leave history and never crowd it.
    for (let n = 1; n <= HISTORY * 2; n += 1) await publishKeyed(n, channel, n % 2 === 0 ? 'a' : 'b', `${n}`);
    for (const process of world.processes.keys()) {
      expect(await replayedData(process, channel, first.id)).toEqual([`${HISTORY * 2 - 1}`, `${HISTORY * 2}`]);
      // A cursor before every event of the channel resumes too, with each key's latest.
      expect(await replayedData(process, channel, cursorBefore(first.id))).toEqual([
        `${HISTORY * 2 - 1}`,
        `${HISTORY * 2}`,
      ]);
    }
  });

  it('tells trimming from superseding: a cursor on a superseded event just after the newest trimmed one resumes, a cursor before the trimmed one gets a gap', async () => {
    const channel = fresh('trimmed');
    const oldest = await publish(0, channel, 'u0');
    const superseded = await publishKeyed(1, channel, 'k', 'k1');
    for (let n = 1; n < HISTORY - 1; n += 1) await publish(n, channel, `u${n}`);
    // History is full: u0, k1, u1 … u48. k2 supersedes k1, then u49 pushes out u0.
    await publishKeyed(2, channel, 'k', 'k2');
    await publish(0, channel, `u${HISTORY - 1}`);
    const kept = [...Array.from({ length: HISTORY - 2 }, (_, n) => `u${n + 1}`), 'k2', `u${HISTORY - 1}`];
    for (const process of world.processes.keys()) {
      expect(await replayedData(process, channel, superseded.id)).toEqual(kept);
      expect(await replayedData(process, channel, oldest.id)).toEqual(kept);
    }
    const beforeAll = track(
      await openStarted(at(1).url, [channel], { lastEventId: cursorBefore(oldest.id), in: 'header' }),
    );
    const back = track(await openStarted(at(2).url, [channel], { lastEventId: superseded.id, in: 'header' }));
    await publish(2, channel, 'live');
    await expectOn(beforeAll, (event) => event.data === 'live', 'a gap, then the live event');
    expect(beforeAll.events.map((event) => event.type)).toEqual(['sse:gap', 'message']);
    await expectOn(back, kept.length + 1, 'the events kept after the superseded one, then the live one');
    expect(dataOn(back.events, channel)).toEqual([...kept, 'live']);
  });

  it('answers recent with the newest events, oldest first, from any process, each event as it was published', async () => {
    const channel = fresh('recent');
    const published: Array<[data: string, event: string | undefined]> = [
      ['r0', undefined],
      ['r1', undefined],
      ['r2', undefined],
      // The event name as given (not the default type a client would see), and every data line.
      [' r3\nsecond line', 'message'],
      ['r4', 'last'],
    ];
    const receipts: PublishResult[] = [];
    for (const [n, [data, event]] of published.entries()) receipts.push(await publish(n, channel, data, event));
    const recent = await at(1).broadcaster.recent(channel, { limit: 3 });
    expect(recent.map(({ id, event, data }) => ({ id, event, data }))).toEqual([
      { id: receipts[2]!.id, event: undefined, data: 'r2' },
      { id: receipts[3]!.id, event: 'message', data: ' r3\nsecond line' },
      { id: receipts[4]!.id, event: 'last', data: 'r4' },
    ]);
    const times = recent.map((event) => event.publishedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await at(2).broadcaster.recent(fresh('never-published'))).toEqual([]);
  });

  it('orders positions: a cursor, then each acknowledged publish on any channel and process, then a later cursor; a stream from the first cursor gets them in that order', async () => {
    const [one, two] = [fresh('order-a'), fresh('order-b')];
    const before = await at(0).broadcaster.cursor();
    const receipts = [
      await publish(1, one, 'o1'),
      await publish(2, two, 'o2'),
      await publish(0, one, 'o3'),
      await publish(1, two, 'o4'),
    ];
    const after = await at(2).broadcaster.cursor();
    const positions = [before, ...receipts.map((receipt) => receipt.id)].map(positionOf);
    for (let n = 1; n < positions.length; n += 1)
      expect(compareEventIds(positions[n - 1]!, positions[n]!)).toBeLessThan(0);
    expect(compareEventIds(positions.at(-1)!, positionOf(after))).toBeLessThanOrEqual(0);

    const stream = track(await openStarted(at(1).url, [one, two], { lastEventId: before, in: 'header' }));
    await expectOn(stream, 4, 'the four events after the first cursor');
    expect(stream.events.map((event) => event.lastEventId)).toEqual(receipts.map((receipt) => receipt.id));
    const none = track(await openStarted(at(2).url, [one, two], { lastEventId: after, in: 'header' }));
    const live = await publish(0, two, 'live');
    await expectOn(none, 1, 'only the event after the later cursor');
    expect(none.events.map((event) => event.lastEventId)).toEqual([live.id]);
  });

  it('expires history older than maxAgeMs: a cursor before it gets a gap, recent shows what is left', async () => {
    const aged = await target.start(serve, {
      processes: Math.min(2, target.processes),
      history: { maxAgeMs: MAX_AGE_MS },
    });
    try {
      const channel = fresh('aged');
      const since = await aged.processes[0]!.broadcaster.cursor();
      await aged.processes[0]!.broadcaster.publish(channel, { data: 'old' });
      // Time passing is what expires it: the processes' clock moves past maxAgeMs instead of being waited for.
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + MAX_AGE_MS + 1);
      const last = aged.processes.at(-1)!;
      const kept = await last.broadcaster.publish(channel, { data: 'fresh' });
      expect(await last.broadcaster.history(channel, { since })).toMatchObject({ kind: 'gap' });
      expect((await aged.processes[0]!.broadcaster.recent(channel)).map((event) => event.id)).toEqual([kept.id]);
    } finally {
      await aged.close();
      jest.restoreAllMocks();
    }
  });

  it('delivers a burst from concurrent publishers on every process exactly once, each channel in position order, to single- and multi-channel streams on every process', async () => {
    const channels = [fresh('burst-a'), fresh('burst-b'), fresh('burst-c')];
    const listeners: { channels: string[]; stream: TestStream }[] = [];
    for (const [index] of world.processes.entries()) {
      listeners.push({ channels, stream: track(await openStarted(at(index).url, channels)) });
      const alone = [channels[index % channels.length]!];
      listeners.push({ channels: alone, stream: track(await openStarted(at(index + 1).url, alone)) });
    }
    const PER_CHAIN = 15;
    // Three publishers per channel, one on each process (all on the one process of the memory bus), side by side.
    const chains = await Promise.all(
      [0, 1, 2].flatMap((publisher) =>
        channels.map(async (channel) => {
          const receipts: { channel: string; data: string; id: string }[] = [];
          for (let n = 0; n < PER_CHAIN; n += 1) {
            const data = `${channel}:${publisher}:${n}`;
            receipts.push({ channel, data, id: (await publish(publisher, channel, data)).id });
          }
          return receipts;
        }),
      ),
    );
    for (const chain of chains)
      for (let n = 1; n < chain.length; n += 1)
        expect(compareEventIds(positionOf(chain[n - 1]!.id), positionOf(chain[n]!.id))).toBeLessThan(0);
    const expected = new Map(
      channels.map((channel) => [
        channel,
        chains
          .flat()
          .filter((receipt) => receipt.channel === channel)
          .sort((a, b) => compareEventIds(positionOf(a.id), positionOf(b.id))),
      ]),
    );
    for (const { channels: mine, stream } of listeners) {
      await expectOn(
        stream,
        mine.length * 3 * PER_CHAIN,
        `the ${mine.length * 3 * PER_CHAIN} events of ${mine.join(',')}`,
      );
      for (const channel of mine) {
        const got = stream.events.filter((event) => splitStreamEventId(event.lastEventId).channel === channel);
        expect(got.map((event) => [event.lastEventId, event.data])).toEqual(
          expected.get(channel)!.map((receipt) => [receipt.id, receipt.data]),
        );
      }
      expect(stream.events).toHaveLength(mine.length * 3 * PER_CHAIN);
    }
  });

  it('resumes a stream on another process with exactly the events it missed, then live', async () => {
    const channel = fresh('moving');
    const away = track(await openStarted(at(0).url, [channel]));
    await publish(1, channel, 'before');
    await expectOn(away, 1, 'the event before the move');
    await away.close();
    const missed: PublishResult[] = [];
    for (let n = 0; n < 10; n += 1) missed.push(await publish(n + 2, channel, `missed ${n}`));
    const back = track(await openStarted(at(1).url, [channel], { lastEventId: away.lastEventId, in: 'header' }));
    const live = await publish(2, channel, 'live');
    await expectOn(back, 11, 'the 10 missed events and the live one');
    expect(back.events.map((event) => event.lastEventId)).toEqual([...missed, live].map((receipt) => receipt.id));
    expect(dataOn(back.events, channel)).toEqual([...missed.map((_, n) => `missed ${n}`), 'live']);
  });

  it('reaches a connection held by another process: sendTo, connection lookup, announce and disconnect', async () => {
    const channel = fresh('messages');
    const held = track(await openStarted(at(0).url, [channel]));
    const elsewhere = track(await openStarted(at(2).url, [channel]));
    const id = held.connectionId!;

    expect(await at(1).broadcaster.sendTo(id, { event: 'private', data: 'for you' })).toBe(true);
    await expectOn(held, (event) => event.type === 'private', 'the direct message');
    expect(held.events.at(-1)).toMatchObject({ type: 'private', data: 'for you' });
    expect(await at(1).broadcaster.sendTo('no-such-connection', { data: 'lost' })).toBe(false);

    expect(await at(2).broadcaster.connection(id)).toMatchObject({ id, channel, channels: [channel] });
    expect(await at(1).broadcaster.connection('no-such-connection')).toBeUndefined();

    await at(1).broadcaster.announce({ data: 'maintenance at noon' });
    for (const stream of [held, elsewhere])
      await expectOn(stream, (event) => event.type === NOTICE_EVENT, 'the notice to every stream');
    expect(elsewhere.events.filter((event) => event.type === NOTICE_EVENT).map((event) => event.data)).toEqual([
      'maintenance at noon',
    ]);

    expect(await at(2).broadcaster.disconnect(id, { reason: 'bye' })).toBe(true);
    await expectOn(held, (event) => event.type === CLOSE_EVENT, 'the close event');
    expect(JSON.parse(held.events.at(-1)!.data)).toEqual({ reconnect: false, reason: 'bye' });
    await held.waitFor(() => false, { timeoutMs: 5000 });
    expect(held.ended).toBe(true);
    expect(await at(1).broadcaster.disconnect(id)).toBe(false);
    expect(elsewhere.ended).toBe(false);
  });

  it('ends, on every process, every stream whose metadata matches with a revoked close and leaves the others; with a channel, a stream of several only leaves that one', async () => {
    const channel = fresh('revoke');
    const other = fresh('revoke-other');
    const open = (process: number, channels: string[], user: string) =>
      openStarted(at(process).url, channels, undefined, { user }).then(track);
    const alice = [await open(0, [channel], 'alice'), await open(1, [channel], 'alice')];
    alice.push(await open(2, [channel, other], 'alice'));
    const bob = [await open(0, [channel], 'bob'), await open(2, [channel, other], 'bob')];
    const carol = await open(1, [other], 'carol');

    await expect(at(0).broadcaster.disconnectWhere({})).rejects.toThrow(/at least one criterion/);
    await expect(at(0).broadcaster.disconnectWhere({ metadata: {} })).rejects.toThrow(TypeError);
    expect(await at(1).broadcaster.disconnectWhere({ metadata: { user: 'alice' } })).toBe(3);
    for (const stream of alice) {
      await expectOn(stream, (event) => event.type === CLOSE_EVENT, 'the revoked close');
      expect(JSON.parse(stream.events.at(-1)!.data)).toEqual({ reconnect: false, reason: 'revoked' });
      await stream.waitFor(() => false, { timeoutMs: 5000 });
      expect(stream.ended).toBe(true);
    }

    // Bob's stream of two channels leaves `other` only; carol, on `other` alone, is not bob.
    expect(await at(0).broadcaster.disconnectWhere({ metadata: { user: 'bob' }, channel: other })).toBe(1);
    await expectOn(bob[1]!, (event) => event.type === CLOSE_EVENT, 'the close of one channel');
    expect(JSON.parse(bob[1]!.events.at(-1)!.data)).toEqual({ reconnect: false, reason: 'revoked', channel: other });
    await publish(1, other, 'still for carol');
    await publish(0, channel, 'still for bob');
    await expectOn(carol, (event) => event.data === 'still for carol', 'the event carol is still owed');
    for (const stream of bob)
      await expectOn(stream, (event) => event.data === 'still for bob', 'the event bob is still owed');
    expect(dataOn(bob[1]!.events, other)).toEqual([]);
    expect([...bob, carol].map((stream) => stream.ended)).toEqual([false, false, false]);
  });

  it('counts each member of a channel once over every process, however many tabs and processes hold it, and tells its streams in coalesced events', async () => {
    const channel = fresh('presence');
    const openMember = (process: number, member: string) =>
      openStarted(at(process).url, [channel], undefined, { member }).then(track);
    const viewer = track(await openStarted(at(1).url, [channel]));
    // When each presence event arrives (the predicate sees each event as it comes, and never stops the wait).
    const arrivals: number[] = [];
    void viewer.waitFor(
      (event) => {
        if (event.type === PRESENCE_EVENT) arrivals.push(Date.now());
        return false;
      },
      { timeoutMs: 60_000 },
    );
    const ids = Array.from({ length: 30 }, (_, n) => `m${String(n).padStart(2, '0')}`);
    // m00 in 3 tabs of one process, m01 on 2 processes, the others once each, over the processes.
    for (let tab = 0; tab < 3; tab += 1) await openMember(0, 'm00');
    const m01 = [await openMember(0, 'm01'), await openMember(1, 'm01')];
    for (const [n, id] of ids.entries()) if (n >= 2) await openMember(n, id);

    const latest = (): { count: number; members: { id: string }[]; joined: string[] } | undefined => {
      const events = viewer.events.filter((event) => event.type === PRESENCE_EVENT);
      return events.length === 0 ? undefined : JSON.parse(events.at(-1)!.data);
    };
    await expectOn(viewer, () => latest()?.count === 30, 'a presence event with the 30 members');
    for (const process of world.processes) {
      const presence = await process.broadcaster.presence(channel);
      expect(presence.count).toBe(30);
      expect(presence.members.map((member) => member.id).sort()).toEqual(ids);
    }
    expect(latest()!.members.find((member) => member.id === 'm05')).toEqual({ id: 'm05', name: 'Member m05' });
    // Coalesced: far fewer events than the 33 streams that joined, each member joined once, and
    // never two to one stream within an interval (half of one, for the network's jitter).
    const events = viewer.events.filter((event) => event.type === PRESENCE_EVENT);
    expect(events.length).toBeLessThan(15);
    expect(Math.min(...arrivals.slice(1).map((at, n) => at - arrivals[n]!))).toBeGreaterThan(PRESENCE_MS / 2);
    const joined = events.flatMap((event) => (JSON.parse(event.data) as { joined: string[] }).joined);
    expect(joined.sort()).toEqual(ids);

    // m01 leaves one process: still there. Then the other: gone, told as left.
    await m01[1]!.close();
    await m01[0]!.close();
    await expectOn(viewer, () => latest()?.count === 29, 'a presence event without m01');
    const left = viewer.events
      .filter((event) => event.type === PRESENCE_EVENT)
      .flatMap((event) => (JSON.parse(event.data) as { left: string[] }).left);
    expect(left).toEqual(['m01']);
    for (const process of world.processes) expect((await process.broadcaster.presence(channel)).count).toBe(29);
  });

  // Where live delivery of different partitions can arrive out of position order, the last event's
  // id cannot tell where the other channels stand: such a stream carries a cursor per channel
  // (`channelCursor.ts`), so an event of another partition with an earlier position, still in flight
  // when the client left, is replayed on resume. The delivery of one channel is held on purpose (as a
  // lagging reader of its partition would), so without that cursor the loss is certain, not a matter
  // of timing; on a single-partition bus the order cannot happen.
  it('resumes a stream on channels of different partitions exactly, though one partition delivered later than another', async () => {
    const [slow, quick] = channelsInTwoBuckets(fresh('partitions'));
    const first = track(await openStarted(at(0).url, [slow, quick]));
    const release = target.partitions === 'several' ? world.faults(0)!.hold(slow) : () => {};
    let back: TestStream;
    try {
      await publish(1, slow, 'slow 1');
      const quickOne = await publish(1, quick, 'quick 1');
      await expectOn(first, (event) => event.lastEventId === quickOne.id, 'the later event of the quick channel');
      await first.close();
      back = track(await openStarted(at(1).url, [slow, quick], { lastEventId: first.lastEventId, in: 'header' }));
    } finally {
      release();
    }
    await publish(2, slow, 'slow 2');
    await publish(2, quick, 'quick 2');
    await expectOn(
      back,
      (_event, events) => dataOn(events, slow).includes('slow 2') && dataOn(events, quick).includes('quick 2'),
      'the last event of each channel',
    );
    const seen = [...first.events, ...back.events];
    expect({ slow: dataOn(seen, slow), quick: dataOn(seen, quick), gaps: gapsIn(seen) }).toEqual({
      slow: ['slow 1', 'slow 2'],
      quick: ['quick 1', 'quick 2'],
      gaps: [],
    });
  });

  // Last: a restart of the file's Redis leaves the shared world's buses reconnecting for a while.
  // A cluster cannot be restarted empty under the same buses here (a new rig has new nodes and
  // ports); RedisBus's check of a cursor's epoch is the same code as on one Redis.
  (target.restarts ? it : it.skip)(
    'answers a cursor from before the backend lost everything with a gap, never silence',
    async () => {
      const lost = await target.start(serve, { processes: Math.min(2, target.processes) });
      try {
        const channel = fresh('restarted');
        const before = track(await openStarted(lost.processes[0]!.url, [channel]));
        await lost.processes[0]!.broadcaster.publish(channel, { data: 'before' });
        await expectOn(before, 1, 'the event before the restart');
        const cursor = before.lastEventId;
        await before.close();
        await lost.restartEmpty!();
        const other = lost.processes.at(-1)!;
        await other.broadcaster.publish(channel, { data: 'after the restart' });
        const back = track(await openStarted(other.url, [channel], { lastEventId: cursor, in: 'header' }));
        await other.broadcaster.publish(channel, { data: 'live' });
        await expectOn(back, (event) => event.data === 'live', 'a gap, then the live event');
        expect(gapsIn(back.events)).toEqual([expect.objectContaining({ channel, lastEventId: cursor })]);
        expect(dataOn(back.events, channel)).toEqual(['live']);
      } finally {
        await lost.close();
      }
    },
  );
});
