import { ENTRY_LIMIT, InspectorLog } from '../../../../lib/browser/inspector/inspectorLog';
import type { MonitorMessageDetail } from '../../../../lib/protocol/inspectorContract';

const AT = 1_700_000_000_000;

function message(event: string, data: string, id: string, connectionId = 'feed'): MonitorMessageDetail {
  return { connectionId, event, data, id };
}

describe('InspectorLog', () => {
  it('lists an event with its channel from its id and its size in UTF-8 bytes, newest first', () => {
    const log = new InspectorLog();
    log.message(message('message', 'first', 'news/1Z.1'), AT);
    const { added } = log.message(message('price', '€5', 'prices/1Z.2'), AT + 1);
    expect(added).toMatchObject({ kind: 'event', event: 'price', channel: 'prices', id: 'prices/1Z.2', bytes: 4 });
    expect(log.entries.map((entry) => entry.id)).toEqual(['prices/1Z.2', 'news/1Z.1']);
  });

  it('keeps the last 50 entries and says which one it dropped', () => {
    const log = new InspectorLog();
    const added = Array.from({ length: ENTRY_LIMIT + 1 }, (_, n) =>
      log.message(message('message', '', `c/1Z.${n + 1}`), AT),
    );
    expect(ENTRY_LIMIT).toBe(50);
    expect(added[ENTRY_LIMIT - 1].dropped).toBeUndefined();
    expect(added[ENTRY_LIMIT].dropped).toBe(added[0].added);
    expect(log.entries).toHaveLength(ENTRY_LIMIT);
    expect(log.entries.at(-1)?.id).toBe('c/1Z.2');
  });

  it('does not list heartbeats or cursors, and shows no id for an event that repeats the id the stream reported before or a cursor', () => {
    const log = new InspectorLog();
    log.message(message('message', 'a', 'news/1Z.1'), AT);
    expect(log.message(message('sse:heartbeat', '1700000000000', 'news/1Z.1'), AT)).toEqual({});
    expect(log.message(message('sse:cursor', '', 'news=1Z.1'), AT)).toEqual({});
    // `sendTo` after the cursor: the browser reports the last id the stream saw.
    const { added } = log.message(message('direct', 'hi', 'news=1Z.1'), AT);
    expect(added).toMatchObject({ event: 'direct', id: '', channel: '' });
    // The cursor a stream opens with is no event's id.
    expect(log.message(message('sse:connection', 'id', '1Z.7', 'fresh'), AT).added).toMatchObject({
      id: '',
      channel: '',
    });
    // Each connection has its own stream's ids.
    expect(log.message(message('message', 'b', 'news/1Z.1', 'other'), AT).added).toMatchObject({ id: 'news/1Z.1' });
  });

  it('reads a gap and a close from their data, defensively', () => {
    const log = new InspectorLog();
    const gap = log.message(
      message('sse:gap', JSON.stringify({ channel: 'news', lastEventId: 'news/1Z.1', latestId: 'news/1Z.9' }), ''),
      AT,
    ).added;
    expect(gap).toMatchObject({
      kind: 'gap',
      channel: 'news',
      text: 'history no longer covers news/1Z.1; newest news/1Z.9',
    });
    const close = log.message(
      message('sse:close', JSON.stringify({ reconnect: true, after: 500, channel: 'news' }), ''),
      AT,
    ).added;
    expect(close).toMatchObject({
      kind: 'close',
      channel: 'news',
      text: 'server closed the channel; reconnect after 500 ms',
    });
    expect(log.message(message('sse:close', 'not json', ''), AT).added).toMatchObject({
      channel: '',
      text: 'server closed the stream; reconnect',
    });
  });

  it('lists a lost, given-up, paused, closed or no longer allowed connection, not the others', () => {
    const log = new InspectorLog();
    expect(log.state({ connectionId: 'feed', state: 'connected', attempt: 0 }, AT)).toEqual({});
    expect(
      log.state({ connectionId: 'feed', state: 'reconnecting', attempt: 2, delayMs: 2000 }, AT).added,
    ).toMatchObject({
      kind: 'state',
      event: 'reconnecting',
      text: 'attempt 2 in 2000 ms',
      bytes: undefined,
    });
    expect(log.state({ connectionId: 'feed', state: 'error', attempt: 10 }, AT).added?.text).toBe(
      'gave up after 10 attempts',
    );
    expect(log.state({ connectionId: 'feed', state: 'unauthorized', attempt: 0 }, AT).added?.text).toBe(
      'access ended: no more reconnects',
    );
  });

  it('notes where the newest matching event was swapped in, by the id the stream reported', () => {
    const log = new InspectorLog();
    log.message(message('message', 'a', 'news/1Z.1'), AT);
    const direct = log.message(message('message', 'b', 'news/1Z.1'), AT).added;
    expect(log.swapped('feed', 'message', 'news/1Z.1', ['#feed', '#headline'])).toBe(direct);
    expect(log.swapped('feed', 'message', 'news/1Z.1', ['#feed'])?.swappedInto).toEqual(['#feed', '#headline']);
    expect(log.swapped('other', 'message', 'news/1Z.1', ['#feed'])).toBeUndefined();
  });
});
