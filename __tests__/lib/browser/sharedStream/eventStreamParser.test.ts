import { EventStreamParser } from '../../../../lib/browser/sharedStream/eventStreamParser';

describe('EventStreamParser', () => {
  it('reads events, an id-only cursor, and leaves comments and retry out', () => {
    const parser = new EventStreamParser();
    const frames = parser.push(
      'retry: 2000\n\nid: 17-4\n\n: keep-alive\n\nevent: sse:heartbeat\ndata: 1\n\nid: news/17-5\ndata: <p>a</p>\ndata: b\n\n',
    );
    expect(frames).toEqual([
      { kind: 'cursor', type: 'message', data: '', id: '17-4' },
      { kind: 'event', type: 'sse:heartbeat', data: '1', id: '' },
      { kind: 'event', type: 'message', data: '<p>a</p>\nb', id: 'news/17-5' },
    ]);
  });

  it('gives the same frames however the text is split, CRLF split between pieces included', () => {
    const text = 'event: x\r\nid: a/1-1\r\ndata: one\r\n\r\ndata:two\r\rdata: three\n\n';
    const whole = new EventStreamParser().push(text);
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new EventStreamParser();
      expect([...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))]).toEqual(whole);
    }
    expect(whole.map((frame) => frame.data)).toEqual(['one', 'two', 'three']);
  });

  it('reads the tabs an event is not for from its :sse-skip-tab comments, for that event only', () => {
    const parser = new EventStreamParser();
    const frames = parser.push(
      ':sse-skip-tab t1\n:sse-skip-tab t2\nid: a/1-1\ndata: change\n\n: keep-alive\nid: a/1-2\ndata: next\n\n',
    );
    expect(frames).toEqual([
      { kind: 'event', type: 'message', data: 'change', id: 'a/1-1', skipTabs: ['t1', 't2'] },
      { kind: 'event', type: 'message', data: 'next', id: 'a/1-2' },
    ]);
  });
});
