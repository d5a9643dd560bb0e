/**
 * Which open streams `disconnectWhere` ends: criteria that travel between processes as JSON, so
 * every process selects its streams by the same rule. Never empty: a call with no criterion is
 * refused rather than read as "every stream".
 */
import { describeValue } from '../validation/describeValue';
import { assertChannelName } from './channelName';

/** A metadata value `disconnectWhere` can compare (with `===`). */
export type MetadataValue = string | number | boolean | null;

/** The streams `disconnectWhere` selects: those that meet every criterion given (at least one). */
export interface StreamMatch {
  /**
   * Fields the stream's metadata must hold with exactly these values (top-level fields, compared
   * with `===`), e.g. `{ userId: 'u1' }`. A stream whose metadata is not an object never matches.
   */
  metadata?: Readonly<Record<string, MetadataValue>>;
  /**
   * Only streams carrying this channel. A stream that carries other channels too leaves this one
   * and stays open for the others (its client gets the close event with `channel` in its data).
   */
  channel?: string;
}

const isMetadataValue = (value: unknown): value is MetadataValue =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/**
 * `match` checked, as a plain object holding only the criteria given.
 * @throws TypeError naming the value: not an object, no criterion, metadata that is not an object
 * of strings, finite numbers, booleans or null (or has no field), a bad channel name.
 */
export function readStreamMatch(owner: string, match: unknown): StreamMatch {
  if (match === null || typeof match !== 'object' || Array.isArray(match))
    throw new TypeError(`${owner}: criteria must be { metadata?, channel }, got ${describeValue(match)}`);
  const { metadata, channel, ...unknown } = match as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new TypeError(`${owner}: unknown criterion "${extra[0]}" (use metadata or channel)`);
  if (metadata === undefined && channel === undefined)
    throw new TypeError(`${owner}: give at least one criterion (metadata or channel); it never ends every stream`);
  const read: StreamMatch = {};
  if (metadata !== undefined) {
    const entries = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : null;
    if (!entries || Object.keys(entries).length === 0 || !Object.values(entries).every(isMetadataValue))
      throw new TypeError(
        `${owner}: criteria.metadata must be an object of one or more strings, numbers, booleans or null, got ${describeValue(metadata)}`,
      );
    read.metadata = { ...(entries as Record<string, MetadataValue>) };
  }
  if (channel !== undefined) {
    assertChannelName(channel);
    read.channel = channel;
  }
  return read;
}

/** Whether a stream with these channels and metadata meets every criterion of `match`. */
export function matchesStream(match: StreamMatch, channels: readonly string[], metadata: unknown): boolean {
  if (match.channel !== undefined && !channels.includes(match.channel)) return false;
  if (match.metadata === undefined) return true;
  if (metadata === null || typeof metadata !== 'object') return false;
  const fields = metadata as Record<string, unknown>;
  return Object.entries(match.metadata).every(([name, value]) => Object.hasOwn(fields, name) && fields[name] === value);
}
