import { type Acknowledged, breaches, replayBreaches } from './logModel';

const message = (data: string) => ({ type: 'message', data, lastEventId: '' });
const gap = (channel: string) => ({ type: 'sse:gap', data: JSON.stringify({ channel }), lastEventId: '' });
const acknowledged: Acknowledged[] = ['a:0', 'a:1', 'a:2', 'b:0'].map((data, step) => ({
  channel: data.split(':')[0]!,
  data,
  step: step + 1,
}));
const client = (events: ReturnType<typeof message>[]) => ({ name: 'c', channels: ['a'], openedAtStep: 0, events });

describe("the model's rule", () => {
  it('holds for every owed event once, in order', () => {
    expect(breaches(acknowledged, client([message('a:0'), message('a:1'), message('a:2')]))).toEqual([]);
  });

  it('names a repeat, a swap and a silent loss', () => {
    expect(breaches(acknowledged, client([message('a:0'), message('a:0'), message('a:1'), message('a:2')]))).toEqual([
      'c: a:0 arrived twice',
    ]);
    expect(breaches(acknowledged, client([message('a:0'), message('a:2'), message('a:1')]))).toEqual([
      'c: a:1 arrived after a:2',
    ]);
    expect(breaches(acknowledged, client([message('a:0'), message('a:2')]))).toEqual([
      'c: a:1 (acknowledged at step 2) never arrived, and no gap named a',
    ]);
  });

  it('excuses a loss only by a gap on that channel after the last event before it', () => {
    expect(breaches(acknowledged, client([message('a:0'), gap('a'), message('a:2')]))).toEqual([]);
    expect(breaches(acknowledged, client([gap('a'), message('a:0'), message('a:2')]))).toEqual([
      'c: a:1 (acknowledged at step 2) never arrived, and no gap named a',
    ]);
    expect(breaches(acknowledged, client([message('a:0'), gap('b'), message('a:2')]))).toHaveLength(1);
  });

  it('owes a client nothing from before it first opened', () => {
    expect(breaches(acknowledged, { ...client([message('a:2')]), openedAtStep: 2 })).toEqual([]);
  });

  describe('with keys', () => {
    // a:0 (x), a:1, a:2 (x), a:3 (y): a:2 supersedes a:0.
    const keyed: Acknowledged[] = [
      { channel: 'a', data: 'a:0', step: 1, key: 'x' },
      { channel: 'a', data: 'a:1', step: 2 },
      { channel: 'a', data: 'a:2', step: 3, key: 'x' },
      { channel: 'a', data: 'a:3', step: 4, key: 'y' },
    ];

    it('excuses a keyed event superseded by one that arrived, never the latest of a key', () => {
      expect(breaches(keyed, client([message('a:1'), message('a:2'), message('a:3')]))).toEqual([]);
      expect(breaches(keyed, client([message('a:0'), message('a:1'), message('a:3')]))).toEqual([
        'c: a:2 (acknowledged at step 3) never arrived, and no gap named a',
      ]);
      expect(breaches(keyed, client([message('a:1'), message('a:3')]), new Set(['a/x']))).toEqual([]);
    });

    it('owes a replay exactly the latest per key and every unkeyed event after the cursor, in order', () => {
      const judge = (cursor: number, replayed: string[] | 'gap', gapAllowed = false) =>
        replayBreaches('h', keyed, cursor, replayed, { gapAllowed, doubtful: new Set() });
      expect(judge(-1, ['a:1', 'a:2', 'a:3'])).toEqual([]);
      expect(judge(1, ['a:2', 'a:3'])).toEqual([]);
      expect(judge(-1, ['a:0', 'a:1', 'a:2', 'a:3'])).toEqual([
        'h: replayed ["a:0","a:1","a:2","a:3"], owed ["a:1","a:2","a:3"]',
      ]);
      expect(judge(-1, ['a:1', 'a:3', 'a:2'])).toHaveLength(1);
      expect(judge(0, 'gap')).toEqual(['h: a gap, though the log lost nothing']);
      expect(judge(0, 'gap', true)).toEqual([]);
    });
  });
});
