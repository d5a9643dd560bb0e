import fc from 'fast-check';
import { formatChannelCursor, parseChannelCursor } from '../../../lib/protocol/channelCursor';

const channel = fc.stringMatching(/^[A-Za-z0-9.:-][A-Za-z0-9_.:-]{0,20}$/);
const position = fc.tuple(fc.nat(), fc.nat()).map(([epoch, sequence]) => `${epoch}-${sequence}`);

describe('a cursor per channel', () => {
  it('reads back what it formats, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(channel, position), { minLength: 1, maxLength: 20, selector: ([c]) => c }),
        (entries) => {
          const positions = new Map(entries);
          expect([...parseChannelCursor(formatChannelCursor(positions))!]).toEqual(entries);
        },
      ),
    );
  });

  it.each([
    ['a bare position', '12-3'],
    ['an event id', 'news/12-3'],
    ['a repeated channel', 'a=1-1,a=1-2'],
    ['a bad position', 'a=x'],
    ['a bad channel', '_stats=1-1'],
    ['an empty entry', 'a=1-1,'],
    ['nothing', ''],
  ])('is not %s', (_what, cursor) => {
    expect(parseChannelCursor(cursor)).toBeUndefined();
  });
});
