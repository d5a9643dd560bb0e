/**
 * The key of a latest-value event: a keyed event supersedes the earlier event of the same key on
 * its channel (see `EventLog`'s "Keys"). Keys are checked once, where `publish` is given them, and
 * travel into every backend's history (a field of a Redis stream entry, a hash field).
 */
import { describeValue } from '../validation/describeValue';

/** The most bytes of UTF-8 a key may take. */
export const MAX_EVENT_KEY_BYTES = 200;

const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/**
 * Throws unless `key` is a key `publish` accepts.
 * @throws TypeError when it is not a non-empty string, or holds a CR, LF or NUL.
 * @throws RangeError when it takes more than {@link MAX_EVENT_KEY_BYTES} bytes of UTF-8.
 */
export function assertEventKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '')
    throw new TypeError(`publish: key must be a non-empty string, got ${describeValue(key)}`);
  if (LINE_BREAK_OR_NUL.test(key))
    throw new TypeError(`publish: key must not contain CR, LF or NUL, got ${describeValue(key)}`);
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_EVENT_KEY_BYTES)
    throw new RangeError(
      `publish: key must be at most ${MAX_EVENT_KEY_BYTES} bytes of UTF-8, got ${bytes} bytes: ${describeValue(key)}`,
    );
}

/**
 * Throws a `TypeError` when a message sent outside any channel (`sendTo`, `announce`) carries a
 * key: nothing it could supersede is kept.
 * @param owner - the method, as the app called it.
 */
export function assertNoEventKey(owner: string, message: object): void {
  const { key } = message as { key?: unknown };
  if (key !== undefined)
    throw new TypeError(
      `${owner}: a key supersedes earlier events of a channel's history, and ${owner} sends on no channel and keeps nothing; publish to a channel for a latest-value event, got key ${describeValue(key)}`,
    );
}
