import { randomUUID } from 'node:crypto';
import { splitTabExclusion, type TabExclusion } from '../protocol/tabExclusion';
import { describeValue } from '../validation/describeValue';

/**
 * The connection ids the library accepts: 1 to 128 of `A-Z a-z 0-9 _ . : -`. Stricter than an
 * event id (which only bars CR, LF and NUL) because a connection id also travels back in a
 * request header, a DOM attribute and a comma-separated list: no space, comma or quote fits there.
 */
export const CONNECTION_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** True when `id` is a valid connection id (see {@link CONNECTION_ID_PATTERN}). */
export function isConnectionId(id: unknown): id is string {
  return typeof id === 'string' && CONNECTION_ID_PATTERN.test(id);
}

/**
 * The parts of `value` when it names one tab of a shared stream: `<connection id>/<tab id>`, both
 * valid (see `lib/protocol/tabExclusion.ts`); else undefined.
 */
export function tabExclusionOf(value: unknown): TabExclusion | undefined {
  if (typeof value !== 'string') return undefined;
  const tab = splitTabExclusion(value);
  return tab && isConnectionId(tab.connectionId) ? tab : undefined;
}

/** True when `value` names one tab of a shared stream (see {@link tabExclusionOf}). */
export function isTabExclusion(value: unknown): value is string {
  return tabExclusionOf(value) !== undefined;
}

/** Throws a `TypeError` naming the value unless it is a valid connection id. */
export function assertConnectionId(id: unknown): asserts id is string {
  if (!isConnectionId(id))
    throw new TypeError(`connection id must match ${CONNECTION_ID_PATTERN}, got ${describeValue(id)}`);
}

/**
 * A new connection id: a random v4 UUID as one flat string. `randomUUID()` returns a rope of
 * about fourteen joined pieces (V8 keeps string concatenations as trees), which a long-lived
 * connection would hold for its whole life: about 450 bytes of heap instead of 56. Copying it
 * through a Buffer once leaves a single flat string.
 */
export function newConnectionId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
