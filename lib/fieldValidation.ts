/**
 * Validation of the values that end up in SSE field lines. A CR, LF or NUL in `event` or `id`
 * would let a caller inject extra fields (or a whole extra event) into every client's stream,
 * so such values are refused with a `TypeError` that names the field and shows the value.
 */

const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/** Shows a value in an error message: JSON-quoted so CR, LF and NUL are visible. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    return String(JSON.stringify(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}

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
    throw new TypeError(`SSE field "retry" must be a non-negative integer of milliseconds, got ${describeValue(value)}`);
  }
}
