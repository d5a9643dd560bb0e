/**
 * Base 62 (`0-9 a-z A-Z`) for the non-negative integers of positions: the shortest common
 * alphabet that needs no escaping in a URL query, an HTTP header, an HTML attribute or JSON.
 * Each number has one spelling (no leading zero), so equal positions are equal strings.
 */

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BASE = DIGITS.length;
const DIGIT_VALUES = new Map(Array.from(DIGITS, (digit, value) => [digit, value]));

/** Writes a safe non-negative integer in base 62; throws a `RangeError` for anything else. */
export function toBase62(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a safe non-negative integer: ${value}`);
  let text = '';
  let rest = value;
  do {
    text = DIGITS[rest % BASE] + text;
    rest = Math.floor(rest / BASE);
  } while (rest > 0);
  return text;
}

/**
 * Reads a number written by {@link toBase62}, or `undefined` for anything else: empty text, a
 * leading zero, a character outside the alphabet, or a value past `Number.MAX_SAFE_INTEGER`.
 */
export function fromBase62(text: string): number | undefined {
  if (text.length === 0 || (text.length > 1 && text[0] === '0')) return undefined;
  let value = 0;
  for (const char of text) {
    const digit = DIGIT_VALUES.get(char);
    if (digit === undefined) return undefined;
    // Exact while below 2 ** 53; past it the value only grows, so the check below rejects it.
    value = value * BASE + digit;
  }
  return Number.isSafeInteger(value) ? value : undefined;
}
