import { createBroadcaster, MemoryBus } from '../../../index';
import { memoryAfterGc } from '../../support/heapAfterGc';

const MiB = 1024 * 1024;

/** Bytes and channels the default bus reports holding. */
function held(broadcaster: ReturnType<typeof createBroadcaster>): { channels: unknown; bytes: unknown } {
  const { bus } = broadcaster.stats();
  return { channels: bus.channels, bytes: bus.historyBytes };
}

describe('history bounds', () => {
  it("holds about the bytes it counts: small events kept among short-lived Buffers do not pin Node's 8 KiB pool blocks", async () => {
    const broadcaster = createBroadcaster();
    const channels = 5000;
    const before = memoryAfterGc();
    let scratch = 0;
    for (let i = 0; i < channels; i += 1) {
      await broadcaster.publish(`small-${i}`, { data: `note ${i}` });
      // What a server allocates between two publishes (request bodies, socket reads): short-lived,
      // cut from the same pool as a small frame.
      scratch += Buffer.from('r'.repeat(2000)).length;
    }
    const perChannel = (memoryAfterGc() - before) / channels;
    expect(scratch).toBe(channels * 2000);
    expect(held(broadcaster).channels).toBe(channels);
    // A pinned block would cost 8 KiB a channel; the channel's own structures are a few hundred bytes.
    expect(perChannel).toBeLessThan(2048);
    await broadcaster.close();
  });

  it('keeps one channel within its byte bound: 1,000 events of 1 MiB hold at most 4 MiB', async () => {
    const broadcaster = createBroadcaster({ maxBufferedBytes: 2 * MiB, maxEventBytes: 2 * MiB });
    const payload = 'x'.repeat(MiB);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i += 1) ids.push((await broadcaster.publish('big', { data: payload })).id);
    const { bytes } = held(broadcaster);
    expect(bytes).toBeGreaterThan(3 * MiB);
    expect(bytes).toBeLessThanOrEqual(4 * MiB);
    // The oldest went first: an early cursor is now a gap, the newest events are all still there.
    expect((await broadcaster.history('big', { since: ids[0] })).kind).toBe('gap');
    const recent = await broadcaster.history('big', { since: ids[996] });
    // History events carry their positions; publish answers `<channel>/<position>`.
    expect(recent.kind === 'events' && recent.events.map((event) => `big/${event.id}`)).toEqual(ids.slice(997));
    await broadcaster.close();
  }, 120_000); // a gigabyte encoded: slow on a loaded machine

  it('drops the channel published to least recently when the total budget is reached', async () => {
    const broadcaster = createBroadcaster({ history: { maxBytes: 300_000, totalBytes: 700_000 } });
    const payload = 'p'.repeat(200_000);
    const a = await broadcaster.publish('a', { data: payload });
    const b = await broadcaster.publish('b', { data: payload });
    const c = await broadcaster.publish('c', { data: payload });
    await broadcaster.publish('a', { data: 'a is recent again' });
    // 'd' takes the total past 700,000 bytes: 'b' is now the least recently published.
    const d = await broadcaster.publish('d', { data: payload });
    // A cursor from before b's event: that event is gone, so b answers a gap. At b's own event
    // nothing was missed (positions are bus-wide), and b holds no history any more.
    expect((await broadcaster.history('b', { since: a.id })).kind).toBe('gap');
    expect(await broadcaster.history('b', { since: b.id })).toEqual({ kind: 'events', events: [] });
    for (const [channel, cursor] of [
      ['a', a.id],
      ['c', c.id],
    ] as const)
      expect((await broadcaster.history(channel, { since: cursor })).kind).toBe('events');
    expect(await broadcaster.history('d', { since: d.id })).toEqual({ kind: 'events', events: [] });
    expect(held(broadcaster).channels).toBe(3);
    expect(held(broadcaster).bytes).toBeLessThanOrEqual(700_000);
    await broadcaster.close();
  });

  it('creates no history for a cursor or a replay on a channel never published to', async () => {
    const bus = new MemoryBus();
    const broadcaster = createBroadcaster({ bus });
    for (const cursor of ['garbage', '0-0', `${Date.now() - 1000}-1`, '9'.repeat(40)])
      expect(await broadcaster.history('never', { since: cursor })).toEqual({ kind: 'gap', latestId: undefined });
    // A cursor this bus issued (on any channel) misses nothing on a channel that never had an event.
    const issued = await broadcaster.publish('other', { data: 'x' });
    expect(await broadcaster.history('never', { since: issued.id })).toEqual({ kind: 'events', events: [] });
    expect(bus.state().channels).toBe(1);
    await broadcaster.close();
  });

  it('never reuses an id on a channel created again after its history was dropped', async () => {
    const broadcaster = createBroadcaster({ history: { maxBytes: 1000, totalBytes: 1000 } });
    const first = await broadcaster.publish('again', { data: 'one' });
    const old = await broadcaster.publish('again', { data: 'two' });
    await broadcaster.publish('other', { data: 'o'.repeat(960) }); // drops 'again'
    expect(held(broadcaster).channels).toBe(1);
    const fresh = await broadcaster.publish('again', { data: 'three' });
    expect([first.id, old.id]).not.toContain(fresh.id);
    // A cursor older than the last id the dropped history issued cannot be resumed: a gap.
    expect((await broadcaster.history('again', { since: first.id })).kind).toBe('gap');
    await broadcaster.close();
  });

  it('refuses limits that cannot hold, naming the option', () => {
    expect(() => createBroadcaster({ history: { maxBytes: 10, totalBytes: 5 } })).toThrow(
      /option "totalBytes" must be an integer >= 10, got 5/,
    );
    expect(() => createBroadcaster({ history: { idleTtlMs: 0 } })).toThrow(/option "idleTtlMs"/);
  });
});

describe('maxEventBytes', () => {
  it('refuses a 2 MiB publish with a RangeError naming the size and the limit, keeping nothing', async () => {
    const broadcaster = createBroadcaster();
    const before = await broadcaster.publish('c', { data: 'small' });
    const refused = broadcaster.publish('c', { data: 'x'.repeat(2 * MiB) });
    await expect(refused).rejects.toThrow(RangeError);
    await expect(refused).rejects.toThrow(`the event is ${2 * MiB + 8} bytes encoded, over maxEventBytes (524288)`);
    expect(await broadcaster.history('c', { since: before.id })).toEqual({ kind: 'events', events: [] });
    await broadcaster.close();
  });

  it('counts the encoding: many short lines weigh more than their text', async () => {
    const broadcaster = createBroadcaster({ maxEventBytes: 1000 });
    await expect(broadcaster.publish('c', { data: '\n'.repeat(200) })).rejects.toThrow(/1408 bytes encoded/);
    await expect(broadcaster.publish('c', { event: 'e', data: 'y'.repeat(900) })).resolves.toBeDefined();
    await broadcaster.close();
  });

  it('must stay within maxBufferedBytes', () => {
    expect(() => createBroadcaster({ maxBufferedBytes: 1000, maxEventBytes: 1001 })).toThrow(
      /option "maxEventBytes" must be an integer from 1 to 1000, got 1001/,
    );
  });
});
