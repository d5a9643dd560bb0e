import fc from 'fast-check';
import { fromBase62, toBase62 } from '../../../lib/protocol/base62';

describe('base 62', () => {
  it('reads back every safe non-negative integer it writes, in digits of 0-9 a-z A-Z', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        const text = toBase62(value);
        expect(text).toMatch(/^[0-9a-zA-Z]{1,9}$/);
        expect(fromBase62(text)).toBe(value);
      }),
    );
    expect([0, 61, 62, Number.MAX_SAFE_INTEGER].map(toBase62)).toEqual(['0', 'Z', '10', 'FfGNdXsE7']);
  });

  it('reads each number from its one spelling only: no empty text, leading zero, foreign digit or unsafe value', () => {
    for (const text of ['', '00', '01', '-1', '+1', ' 1', '1 ', '1_', 'é', 'FfGNdXsE8', 'zzzzzzzzzzzzzzzz'])
      expect(fromBase62(text)).toBeUndefined();
  });

  it('refuses to write what is not a safe non-negative integer', () => {
    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])
      expect(() => toBase62(value)).toThrow(RangeError);
  });
});
