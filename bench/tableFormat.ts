/** How the bench tables write figures: three significant digits or so, thousands separated, `n/a` for none. */

/** `value` with 0, 1 or 2 decimals (for 100 and more, 10 and more, less), or `n/a`. */
export function digits(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const fraction = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: fraction, minimumFractionDigits: fraction });
}

/** `value` rounded, thousands separated, or `n/a`. */
export const whole = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
/** Bytes as KB. */
export const kilobytes = (value: number): string => `${digits(value / 1024)} KB`;
/** Milliseconds. */
export const ms = (value: number): string => `${digits(value)} ms`;
