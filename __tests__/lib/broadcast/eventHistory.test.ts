import { ChannelHistory } from '../../../lib/broadcast/eventHistory';

const EPOCH = 1_700_000_000_000;

function filled(count: number, options = {}): ChannelHistory {
  const history = new ChannelHistory(EPOCH, options);
  for (let i = 0; i < count; i += 1) {
    const id = history.nextId();
    history.append({ id, frame: Buffer.from(id) }, 1000 + i);
  }
  return history;
}

const ids = (result: ReturnType<ChannelHistory['since']>): string[] =>
  result.kind === 'events' ? result.events.map((event) => event.id) : ['gap'];

describe('ChannelHistory', () => {
  it('issues monotonic ids per channel and replays everything after a cursor', () => {
    const history = filled(5);
    expect(history.latestId()).toBe(`${EPOCH}-5`);
    expect(ids(history.since(`${EPOCH}-2`, 1005))).toEqual([`${EPOCH}-3`, `${EPOCH}-4`, `${EPOCH}-5`]);
    expect(ids(history.since(`${EPOCH}-5`, 1005))).toEqual([]);
  });

  it('keeps only the newest `size` events and reports older cursors as a gap', () => {
    const history = filled(10, { size: 3 });
    expect(ids(history.since(`${EPOCH}-7`, 1010))).toEqual([`${EPOCH}-8`, `${EPOCH}-9`, `${EPOCH}-10`]);
    expect(history.since(`${EPOCH}-6`, 1010)).toEqual({ kind: 'gap', latestId: `${EPOCH}-10` });
  });

  it('drops events older than maxAgeMs', () => {
    const history = filled(4, { maxAgeMs: 10 });
    // Appended at t=1000..1003; at t=1012 the two older than 10 ms (1000, 1001) are gone.
    expect(ids(history.since(`${EPOCH}-2`, 1012))).toEqual([`${EPOCH}-3`, `${EPOCH}-4`]);
    expect(ids(history.since(`${EPOCH}-1`, 1012))).toEqual(['gap']);
  });

  it('treats garbage, foreign epochs and future cursors as a gap, never an error', () => {
    const history = filled(3);
    for (const cursor of ['', 'abc', '-1', `${EPOCH + 1}-1`, `${EPOCH}-99`, '1e9-1', `${'9'.repeat(40)}-1`]) {
      expect(history.since(cursor, 1003).kind).toBe('gap');
    }
  });

  it('refuses bad limits with a TypeError', () => {
    expect(() => new ChannelHistory(EPOCH, { size: -1 })).toThrow(TypeError);
    expect(() => new ChannelHistory(EPOCH, { maxAgeMs: 0 })).toThrow(TypeError);
  });
});
