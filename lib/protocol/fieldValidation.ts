/**
 * Validation of the values that end up in SSE field lines. A CR, LF or NUL in `event` or `id`
 * would let a caller inject extra fields (or a whole extra event) into every client's stream,
 * so such values are refused with a `TypeError` that names the field and shows the value.
 */

import { describeValue } from '../validation/describeValue';

const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/** A value fit for one SSE field line: no CR, LF or NUL. */
export const SINGLE_LINE = /^[^\r\n\0]*$/;

/**
 * Throws a `TypeError` unless `value` is a string without CR, LF or NUL.
 * @param field - the field name used in the message (`event`, `id`, ...).
 */
export function assertSingleLineField(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`SSE field "${field}" must be a string, got ${describeValue(value)}`);
  }
  if (LINE_BREAK_OR_NUL.test(value)) {
    throw new TypeError(`SSE field "${field}" must not contain CR, LF or NUL, got ${describeValue(value)}`);
  }
}

/** Throws a `TypeError` unless `value` is a whole number of milliseconds, 0 or more. */
export function assertRetry(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `SSE field "retry" must be a non-negative integer of milliseconds, got ${describeValue(value)}`,
    );
  }
}
