import { type StreamFrame, streamFrameOf } from '../../../../lib/browser/sharedStream/streamFrame';
import { EventStreamParser } from '../../../../lib/protocol/eventStreamParser';

/** The hub's frames of a whole stream. */
function framesOf(text: string): StreamFrame[] {
  return new EventStreamParser()
    .push(new TextEncoder().encode(text))
    .map(streamFrameOf)
    .filter((frame) => frame !== undefined);
}

describe('streamFrameOf (a parsed block as the stream hub routes it)', () => {
  it('makes cursors of an id-only block and of sse:cursor, and leaves out comments and retry', () => {
    expect(
      framesOf(
        'retry: 2000\n\nid: 17-4\n\n: keep-alive\n\nevent: sse:cursor\nid: 17-5\ndata:\n\nevent: sse:cursor\ndata:\n\n',
      ),
    ).toEqual([
      { kind: 'cursor', type: 'message', data: '', id: '17-4' },
      { kind: 'cursor', type: 'sse:cursor', data: '', id: '17-5' },
    ]);
  });

  it('gives an event the id of its own block only, so an id-less heartbeat names no channel', () => {
    expect(framesOf('id: news/17-5\ndata: <p>a</p>\ndata: b\n\nevent: sse:heartbeat\ndata: 1\n\n')).toEqual([
      { kind: 'event', type: 'message', data: '<p>a</p>\nb', id: 'news/17-5' },
      { kind: 'event', type: 'sse:heartbeat', data: '1', id: '' },
    ]);
  });

  it('reads the tabs an event is not for from its :sse-skip-tab comments, for that event only', () => {
    expect(
      framesOf(
        ':sse-skip-tab t1\n:sse-skip-tab t2\nid: a/1-1\ndata: change\n\n: keep-alive\nid: a/1-2\ndata: next\n\n',
      ),
    ).toEqual([
      { kind: 'event', type: 'message', data: 'change', id: 'a/1-1', skipTabs: ['t1', 't2'] },
      { kind: 'event', type: 'message', data: 'next', id: 'a/1-2' },
    ]);
  });
});
