import { BusPosition } from '../../../lib/broadcast/busPosition';
import { ChannelHistory, type EventHistoryOptions, resolveHistoryLimits } from '../../../lib/broadcast/eventHistory';
import { formatEventId } from '../../../lib/protocol/eventId';

const EPOCH = 1_700_000_000_000;
/** The id of the event at `sequence`. */
const at = (sequence: number): string => formatEventId(EPOCH, sequence);

/** Appends `count` events at the bus's next positions, at t = 1000, 1001, … */
function append(history: ChannelHistory, position: BusPosition, count: number, from = 1000): void {
  for (let i = 0; i < count; i += 1) {
    const sequence = position.advance();
    const id = at(sequence);
    history.append({ id, frame: Buffer.from(id) }, sequence, from + i);
  }
}

/** Appends one event at the bus's next position, with `key` when given; returns whether it superseded one. */
function appendKeyed(history: ChannelHistory, position: BusPosition, key: string | undefined, at = 1000): boolean {
  const sequence = position.advance();
  const id = formatEventId(EPOCH, sequence);
  return history.append({ id, frame: Buffer.from(id), key }, sequence, at);
}

/** The limits a bus would hand its channels for `options`. */
const limits = (options: EventHistoryOptions = {}) => resolveHistoryLimits('test', options);

function filled(count: number, options: EventHistoryOptions = {}): ChannelHistory {
  const position = new BusPosition(EPOCH);
  const history = new ChannelHistory(position, limits(options));
  append(history, position, count);
  return history;
}

const ids = (result: ReturnType<ChannelHistory['since']>): string[] =>
  result.kind === 'events' ? result.events.map((event) => event.id) : ['gap'];

describe('ChannelHistory', () => {
  it('replays everything after a cursor', () => {
    const history = filled(5);
    expect(history.latestId()).toBe(at(5));
    expect(ids(history.since(at(2), 1005))).toEqual([at(3), at(4), at(5)]);
    expect(ids(history.since(at(5), 1005))).toEqual([]);
  });

  it('resumes exactly from any bus position, those of other channels included', () => {
    const position = new BusPosition(EPOCH);
    const news = new ChannelHistory(position, limits({ size: 3 }));
    const sport = new ChannelHistory(position, limits({ size: 3 }));
    append(news, position, 2); // 1, 2
    append(sport, position, 3); // 3, 4, 5
    append(news, position, 1); // 6
    // Positions 3 to 5 are sport's: news has nothing between them, and has lost nothing.
    expect(ids(news.since(at(4), 1010))).toEqual([at(6)]);
    expect(ids(news.since(at(0), 1010))).toEqual([at(1), at(2), at(6)]);
    expect(ids(sport.since(at(6), 1010))).toEqual([]);
    append(news, position, 1); // 7 pushes out 1
    expect(news.since(at(0), 1010)).toEqual({ kind: 'gap', latestId: at(7) });
    expect(ids(news.since(at(1), 1010))).toEqual([at(2), at(6), at(7)]);
  });

  it('keeps only the newest `size` events and reports older cursors as a gap', () => {
    const history = filled(10, { size: 3 });
    expect(ids(history.since(at(7), 1010))).toEqual([at(8), at(9), at(10)]);
    expect(history.since(at(6), 1010)).toEqual({ kind: 'gap', latestId: at(10) });
  });

  it('keeps nothing with size 0, so any cursor before the newest event is a gap', () => {
    const history = filled(2, { size: 0 });
    expect(history.since(at(1), 1002).kind).toBe('gap');
    expect(ids(history.since(at(2), 1002))).toEqual([]);
  });

  it('drops events older than maxAgeMs', () => {
    const history = filled(4, { maxAgeMs: 10 });
    // Appended at t=1000..1003; at t=1012 the two older than 10 ms (1000, 1001) are gone.
    expect(ids(history.since(at(2), 1012))).toEqual([at(3), at(4)]);
    expect(ids(history.since(at(1), 1012))).toEqual(['gap']);
  });

  it('treats garbage, foreign epochs and future cursors as a gap, never an error', () => {
    const history = filled(3);
    for (const cursor of ['', 'abc', '-1', `${EPOCH + 1}-1`, at(99), '1e9-1', `${'9'.repeat(40)}-1`]) {
      expect(history.since(cursor, 1003).kind).toBe('gap');
    }
  });

  it('keeps the latest event per key and every unkeyed one, in position order, and superseding is no loss', () => {
    const position = new BusPosition(EPOCH);
    const history = new ChannelHistory(position, limits({ size: 3 }));
    expect(appendKeyed(history, position, 'a')).toBe(false); // 1
    expect(appendKeyed(history, position, undefined)).toBe(false); // 2
    expect(appendKeyed(history, position, 'b')).toBe(false); // 3
    expect(appendKeyed(history, position, 'a')).toBe(true); // 4 supersedes 1
    expect(ids(history.since(at(0), 1010))).toEqual([at(2), at(3), at(4)]);
    // Many updates of the same keys never crowd out the unkeyed event: superseded ones are not kept.
    for (let n = 0; n < 10; n += 1) appendKeyed(history, position, n % 2 === 0 ? 'a' : 'b'); // 5 … 14
    expect(ids(history.since(at(0), 1010))).toEqual([at(2), at(13), at(14)]); // 13 is a's, 14 b's
    expect(ids(history.since(at(3), 1010))).toEqual([at(13), at(14)]);
    expect(history.bytes).toBe(3 * Buffer.byteLength(at(14)));
    // A new key fills the last slot; one more event pushes the oldest out: a loss, so a gap before it.
    appendKeyed(history, position, 'c'); // 15 pushes out 2
    expect(history.since(at(1), 1010)).toEqual({ kind: 'gap', latestId: at(15) });
    expect(ids(history.since(at(2), 1010))).toEqual([at(13), at(14), at(15)]);
    // The key of an event pushed out is free: its next event supersedes nothing.
    appendKeyed(history, position, undefined); // 16 pushes out 13 (a)
    expect(appendKeyed(history, position, 'a')).toBe(false); // 17 pushes out 14 (b)
    expect(ids(history.since(at(14), 1010))).toEqual([at(15), at(16), at(17)]);
  });

  it('has its limits checked once, where the app gave them: limits handed on inward come back as they are', () => {
    expect(() => limits({ size: -1 })).toThrow(
      new TypeError('test history: option "size" must be an integer >= 0, got -1'),
    );
    expect(() => limits({ maxAgeMs: 0 })).toThrow(TypeError);
    const checked = limits({ size: 3 });
    expect(resolveHistoryLimits('MemoryBus', checked)).toBe(checked);
    expect(Object.isFrozen(checked)).toBe(true);
    // A look-alike object the app made is checked like any other.
    expect(() => resolveHistoryLimits('MemoryBus', { ...checked, size: -1 })).toThrow(TypeError);
  });
});
