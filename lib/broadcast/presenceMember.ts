/**
 * What a presence member may be: an id and flat display fields, small enough to travel between
 * processes on every change and to be rendered by any page without surprises.
 */
import type { PresenceMember } from '../protocol/protocolEvents';
import { describeValue } from '../validation/describeValue';

/** Longest member id, in characters. */
const MAX_ID_LENGTH = 200;
/** Largest member, as JSON, in bytes. */
export const MAX_MEMBER_BYTES = 1024;

const isField = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/**
 * `value` checked as a member (a copy), or undefined for `undefined` (not a member).
 * @throws TypeError naming the value: not an object, an id that is not a string of 1 to 200
 * characters, a field that is not a string, finite number, boolean or null, more than 1 KiB as JSON.
 */
export function readPresenceMember(owner: string, value: unknown): PresenceMember | undefined {
  if (value === undefined) return undefined;
  const expected = `${owner} must return { id, ...fields } or undefined`;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`${expected}, got ${describeValue(value)}`);
  const member = { ...(value as Record<string, unknown>) };
  const { id } = member;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH)
    throw new TypeError(
      `${expected}: id must be a string of 1 to ${MAX_ID_LENGTH} characters, got ${describeValue(id)}`,
    );
  for (const [name, field] of Object.entries(member))
    if (!isField(field))
      throw new TypeError(
        `${expected}: field "${name}" must be a string, finite number, boolean or null, got ${describeValue(field)}`,
      );
  const bytes = Buffer.byteLength(JSON.stringify(member));
  if (bytes > MAX_MEMBER_BYTES)
    throw new TypeError(`${expected}: at most ${MAX_MEMBER_BYTES} bytes as JSON, got ${bytes}`);
  return member as PresenceMember;
}
