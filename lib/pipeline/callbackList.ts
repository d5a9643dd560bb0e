/**
 * The ordered callback lists of the event pipeline (handlers by priority; middleware, filters,
 * transformers, pre- and post-processors): checked on the way in, removable by the function
 * registration returns.
 */
import { describeValue } from '../validation/describeValue';

/** Throws a `TypeError` naming `what` and the value unless it is a function. */
export function assertFunction(value: unknown, what: string): void {
  if (typeof value !== 'function') throw new TypeError(`${what} must be a function, got ${describeValue(value)}`);
}

/** Appends the function `item` to `list` and returns a function that removes it again. */
export function addCallback<T>(list: T[], item: T, what: string): () => void {
  assertFunction(item, what);
  list.push(item);
  return () => {
    const at = list.indexOf(item);
    if (at !== -1) list.splice(at, 1);
  };
}

/** Inserts `item` after every entry of equal or higher priority: higher first, stable among equals. */
export function insertByPriority<T extends { priority: number }>(list: T[], item: T): void {
  const at = list.findIndex((existing) => existing.priority < item.priority);
  list.splice(at === -1 ? list.length : at, 0, item);
}
