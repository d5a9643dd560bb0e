/**
 * The stream hub when access ends, under Node with a stand-in stream: a 403 naming a channel ends
 * only the subscriptions of that channel and the stream opens again without it; a 401 ends every
 * subscription; a revoked close reaches every subscription, or with a channel only its own.
 */
import type { StreamReaderEvents } from '../../../../lib/browser/sharedStream/eventStreamReader';
import type { HubMessage } from '../../../../lib/browser/sharedStream/sharedStreamMessages';
import { StreamHub } from '../../../../lib/browser/sharedStream/streamHub';
import { lostEnd, refusedEnd } from '../../../../lib/browser/streamEnd';
import { CLOSE_EVENT } from '../../../../lib/protocol/protocolEvents';

/** One stream the hub opened. */
interface OpenedStream {
  url: string;
  events: StreamReaderEvents;
}

/** A hub whose streams are stand-ins the test drives, with every message it sends the tabs. */
function hubWithStandInStreams() {
  const messages: HubMessage[] = [];
  const streams: OpenedStream[] = [];
  let opened: (() => void) | undefined;
  const hub = new StreamHub(
    '/sse',
    (message) => messages.push(message),
    (url, _cursor, events) => {
      streams.push({ url, events });
      opened?.();
      return { close: () => undefined };
    },
  );
  /** Resolves when the hub has opened its `count`-th stream (it opens on a timer of its own). */
  const streamNumber = (count: number): Promise<OpenedStream> =>
    new Promise((resolve) => {
      const check = (): void => {
        const stream = streams[count - 1];
        if (stream) resolve(stream);
        else opened = check;
      };
      check();
    });
  const subscribe = (key: string, channels: string[]): void =>
    hub.handle({ kind: 'subscribe', key, channels, cursor: '', silenceMs: 0 });
  /** Starts a stream: its opening cursor puts every subscription on it. */
  const start = (stream: OpenedStream): void => {
    stream.events.opened();
    stream.events.frame({ kind: 'cursor', type: 'message', data: '', id: '1.5' });
  };
  const dropped = () => messages.filter((message) => message.kind === 'dropped');
  return { hub, messages, streamNumber, subscribe, start, dropped };
}

describe('StreamHub when access ends', () => {
  it('a 403 naming one channel ends only the subscriptions of that channel; the stream opens again for the others', async () => {
    const { hub, streamNumber, subscribe, start, dropped } = hubWithStandInStreams();
    subscribe('t1:1', ['board']);
    subscribe('t1:2', ['admin']);
    subscribe('t2:1', ['admin', 'news']);
    const first = await streamNumber(1);
    expect(first.url).toBe('/sse?channels=admin,board,news');
    start(first);

    first.events.ended(refusedEnd(403, 'admin'));
    expect(dropped()).toEqual([{ kind: 'dropped', keys: ['t1:2', 't2:1'], end: refusedEnd(403, 'admin') }]);
    const second = await streamNumber(2);
    expect(second.url).toBe('/sse?channels=board');
    hub.close();
  });

  it('a 401 ends every subscription, newcomers and those already on the stream alike', async () => {
    const { hub, streamNumber, subscribe, start, dropped } = hubWithStandInStreams();
    subscribe('t1:1', ['board']);
    const first = await streamNumber(1);
    start(first);
    subscribe('t2:1', ['news']);
    const second = await streamNumber(2);

    second.events.ended(refusedEnd(401));
    expect(dropped()).toEqual([{ kind: 'dropped', keys: ['t1:1', 't2:1'], end: refusedEnd(401) }]);
    hub.close();
  });

  it('a 403 that names no channel of any subscription ends what the newcomers asked for, as another refusal does', async () => {
    const { hub, streamNumber, subscribe, start, dropped } = hubWithStandInStreams();
    subscribe('t1:1', ['board']);
    const first = await streamNumber(1);
    start(first);
    subscribe('t2:1', ['news']);
    const second = await streamNumber(2);

    second.events.ended(refusedEnd(403));
    expect(dropped()).toEqual([{ kind: 'dropped', keys: ['t2:1'], end: refusedEnd(403) }]);
    expect((await streamNumber(3)).url).toBe('/sse?channels=board');
    hub.close();
  });

  it("a revoked close reaches every subscription, with a channel only that channel's; the stream's end then ends them all", async () => {
    const { hub, messages, streamNumber, subscribe, start, dropped } = hubWithStandInStreams();
    subscribe('t1:1', ['board']);
    subscribe('t2:1', ['admin']);
    const stream = await streamNumber(1);
    start(stream);
    const closeOf = (data: object) => ({
      kind: 'event' as const,
      type: CLOSE_EVENT,
      data: JSON.stringify(data),
      id: '',
    });

    stream.events.frame(closeOf({ reconnect: false, reason: 'revoked', channel: 'admin' }));
    stream.events.frame(closeOf({ reconnect: false, reason: 'revoked' }));
    const closes = messages.filter((message) => message.kind === 'event' && message.type === CLOSE_EVENT);
    expect(closes.map((message) => (message.kind === 'event' ? message.keys : []))).toEqual([
      ['t2:1'],
      ['t1:1', 't2:1'],
    ]);
    stream.events.ended(lostEnd('stream ended'));
    expect(dropped().flatMap((message) => (message.kind === 'dropped' ? message.keys : []))).toEqual(['t1:1', 't2:1']);
    hub.close();
  });
});
