/**
 * How every error message of the library shows a bad value: JSON-quoted, so CR, LF and NUL are
 * visible, long strings cut, functions by name.
 */

/** Shows `value` in an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return String(JSON.stringify(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
