import { type Acknowledged, breaches } from './logModel';

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
});
