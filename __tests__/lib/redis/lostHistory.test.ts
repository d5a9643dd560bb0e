import { formatEventId } from '../../../lib/protocol/eventId';
import { lostHistoryGap } from '../../../lib/redis/lostHistory';

describe('lostHistoryGap', () => {
  it("is a gap event at the new epoch's start when the live feed goes on in another epoch, its ids as SSE ids carry them", () => {
    const gap = lostHistoryGap('news', '1700000000000-41', '1700000099000-3');
    expect(gap).toMatchObject({ channel: 'news', event: 'sse:gap', id: formatEventId(1700000099000, 0) });
    const data = {
      channel: 'news',
      lastEventId: `news/${formatEventId(1700000000000, 41)}`,
      latestId: `news/${formatEventId(1700000099000, 3)}`,
    };
    expect(JSON.parse(gap!.data)).toEqual(data);
    // No id: line, so the client's cursor stays on the last event it had.
    expect(gap!.frame.toString()).toBe(`event: sse:gap\ndata: ${JSON.stringify(data)}\n\n`);
  });

  it('has no latestId when the new epoch is noticed before any of its entries', () => {
    const gap = lostHistoryGap('news', '1700000000000-41', '1700000099000-0');
    expect(JSON.parse(gap!.data)).toMatchObject({ latestId: null });
  });

  it('is nothing within one epoch, from a feed that followed an empty stream, or on clocked positions', () => {
    expect(lostHistoryGap('news', '1700000000000-41', '1700000000000-42')).toBeUndefined();
    expect(lostHistoryGap('news', '0-0', '1700000099000-1')).toBeUndefined();
    expect(lostHistoryGap('news', '0-1700000000000001', '0-1700000000000002')).toBeUndefined();
  });
});
