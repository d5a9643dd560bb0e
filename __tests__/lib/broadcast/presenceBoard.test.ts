import { PresenceBoard, type PresenceTarget } from '../../../lib/broadcast/presenceBoard';
import type { PresenceStore, ProcessMembers } from '../../../lib/broadcast/presenceStore';
import { parseFrame } from '../../../lib/protocol/eventStreamParser';
import { PRESENCE_EVENT, type PresenceEventData } from '../../../lib/protocol/protocolEvents';
import { ManualClock } from '../../support/manualClock';

/** A stream that keeps the presence events written to it. */
class Stream implements PresenceTarget {
  isOpen = true;
  readonly events: PresenceEventData[] = [];
  write(frame: Buffer): boolean {
    const { type, data } = parseFrame(frame);
    if (type === PRESENCE_EVENT) this.events.push(JSON.parse(data) as PresenceEventData);
    return true;
  }
}

/** Another process's members, as a store would answer them, and this process's shares. */
class FakeStore implements PresenceStore {
  others: ProcessMembers[] = [];
  readonly shared: ProcessMembers[] = [];
  async share(_channel: string, members: ProcessMembers): Promise<void> {
    this.shared.push(members);
  }
  async read(): Promise<ProcessMembers[]> {
    return this.others;
  }
}

/** Lets the tick's awaits settle. */
const settle = async (): Promise<void> => {
  for (let n = 0; n < 5; n += 1) await new Promise((resolve) => setImmediate(resolve));
};

function board(options: object = {}) {
  const clock = new ManualClock();
  const store = new FakeStore();
  const streams: Stream[] = [];
  const presence = new PresenceBoard<Stream>({ intervalMs: 1000, ...options }, store, () => streams, clock);
  return { clock, store, streams, presence };
}

describe('PresenceBoard', () => {
  it('coalesces 1,000 joins within one interval into one event per stream, and shares once', async () => {
    const { clock, store, streams, presence } = board();
    const watcher = new Stream();
    streams.push(watcher);
    presence.opened(watcher, ['room'], new Map());
    for (let n = 0; n < 1000; n += 1) {
      const stream = new Stream();
      streams.push(stream);
      presence.opened(stream, ['room'], new Map([['room', { id: `u${n % 500}` }]]));
    }
    clock.advance(999);
    await settle();
    expect(watcher.events).toEqual([]);
    clock.advance(1);
    await settle();
    expect(watcher.events).toHaveLength(1);
    expect(watcher.events[0]).toMatchObject({ channel: 'room', count: 500 });
    expect(watcher.events[0]!.members).toHaveLength(100);
    expect(store.shared).toEqual([{ members: expect.any(Array), count: 500 }]);
    expect(streams.every((stream) => stream.events.length === 1)).toBe(true);

    // Nothing changed: the next intervals send nothing.
    clock.advance(3000);
    await settle();
    expect(watcher.events).toHaveLength(1);
  });

  it('merges other processes by id, tells joins and leaves, and sends a newcomer the view as it is', async () => {
    const { clock, store, streams, presence } = board({ maxMembers: 3 });
    store.others = [{ members: [{ id: 'bob' }, { id: 'carol' }], count: 2 }];
    const alice = new Stream();
    streams.push(alice);
    presence.opened(alice, ['room'], new Map([['room', { id: 'alice', name: '<b>Alice</b>' }]]));
    clock.advance(1000);
    await settle();
    expect(alice.events.at(-1)).toEqual({
      channel: 'room',
      count: 3,
      members: [{ id: 'alice', name: '<b>Alice</b>' }, { id: 'bob' }, { id: 'carol' }],
      joined: ['alice', 'bob', 'carol'],
      left: [],
    });

    // Past the cap: listed up to it, counted in all; bob on two processes counts once.
    store.others = [
      { members: [{ id: 'bob' }], count: 1 },
      { members: [{ id: 'bob' }, { id: 'dave' }], count: 5 },
    ];
    presence.changedElsewhere('room');
    const late = new Stream();
    streams.push(late);
    presence.opened(late, ['room'], new Map());
    clock.advance(1000);
    await settle();
    expect(alice.events.at(-1)).toMatchObject({ count: 6, joined: ['dave'], left: ['carol'] });
    expect(late.events).toHaveLength(1);

    // A stream that joins when nothing changed gets the view, everyone as joined; the others nothing.
    const third = new Stream();
    streams.push(third);
    presence.opened(third, ['room'], new Map());
    clock.advance(1000);
    await settle();
    expect(third.events).toEqual([expect.objectContaining({ count: 6, joined: ['alice', 'bob', 'dave'] })]);
    expect(alice.events).toHaveLength(2);
  });

  it('counts a member once until its last stream leaves, and withdraws on stop', async () => {
    const { clock, store, streams, presence } = board();
    const tabs = [new Stream(), new Stream()];
    streams.push(...tabs);
    for (const tab of tabs) presence.opened(tab, ['room', 'lobby'], new Map([['room', { id: 'alice' }]]));
    clock.advance(1000);
    await settle();
    presence.left(tabs[0]!, 'room');
    clock.advance(1000);
    await settle();
    expect((await presence.presence('room')).count).toBe(1);
    presence.closed(tabs[1]!, ['room', 'lobby']);
    expect((await presence.presence('room')).count).toBe(0);
    clock.advance(1000);
    await settle();
    expect(tabs[1]!.events.at(-1)).toMatchObject({ count: 0, left: ['alice'] });
    await presence.stop();
    expect(clock.pending).toBe(0);
    expect(store.shared.at(-1)).toEqual({ members: [], count: 0 });
  });

  it.each([
    ['an interval under 100 ms', { intervalMs: 10 }, /option "intervalMs" must be an integer from 100 to 60000/],
    ['a member cap of 0', { maxMembers: 0 }, /option "maxMembers" must be an integer from 1 to 10000/],
  ])('refuses %s', (_what, options, message) => {
    expect(() => new PresenceBoard(options, new FakeStore(), () => [], new ManualClock())).toThrow(message);
  });
});
