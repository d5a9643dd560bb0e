import { describeValue } from '../validation/describeValue';

/**
 * What an event's `data` may be: text or a Kita JSX element (a string, or a promise of one when
 * it has async children), a number or boolean, or a JSON-able object (sent as JSON).
 */
export type EventData = string | number | boolean | null | Promise<string> | object;

/** Turns the value into text, synchronously (a Promise is refused; use `serializeData`). */
function serializeDataSync(data: unknown): string {
  if (typeof data === 'string') return data;
  if (typeof data === 'number' || typeof data === 'boolean') return String(data);
  if (data === undefined || typeof data === 'function' || typeof data === 'symbol' || typeof data === 'bigint') {
    throw new TypeError(
      `event data must be a string, number, boolean, JSX element or JSON-able object, got ${describeValue(data)}`,
    );
  }
  if (data instanceof Promise) throw new TypeError('event data is a Promise: await it (serializeData) first');
  try {
    return JSON.stringify(data);
  } catch (error) {
    throw new TypeError(`event data could not be serialized as JSON: ${(error as Error).message}`);
  }
}

/**
 * Turns event data into the text of its `data:` lines: strings (and rendered JSX) as they are,
 * numbers and booleans as text, objects as JSON, and a promise of any of these once settled.
 * Returns a string synchronously when it can, so the hot path never waits a tick needlessly.
 */
export function serializeData(data: unknown): string | Promise<string> {
  if (data instanceof Promise) return data.then(serializeDataSync);
  return serializeDataSync(data);
}
