import { encodedEventBytes } from '../../../lib/broadcast/eventSize';
import { encodeEvent } from '../../../lib/protocol/wireFormat';

describe('encodedEventBytes', () => {
  it.each([
    [undefined, ''],
    [undefined, 'plain'],
    ['update', 'a\nb'],
    [undefined, 'a\r\nb\rc\nd'],
    ['e', '\r\n\r\n\n\r'],
    [undefined, '\r'],
    ['ünïcode', 'ß€😀\n漢字'],
  ])('is the length of the frame encodeEvent makes (event %p, data %j)', (event, data) => {
    expect(encodedEventBytes(event, data)).toBe(encodeEvent({ event, data }).length);
  });
});
