import { describeValue } from '../validation/describeValue';

/**
 * The channel names the library accepts: 1 to 128 of `A-Z a-z 0-9 _ . : -`, not starting with `_`
 * (reserved for the library's own routes, such as `_stats` and `_assets`).
 */
export const CHANNEL_NAME_PATTERN = /^(?!_)[A-Za-z0-9_.:-]{1,128}$/;

/** True when `name` is a valid channel name (see {@link CHANNEL_NAME_PATTERN}). */
export function isChannelName(name: unknown): name is string {
  return typeof name === 'string' && CHANNEL_NAME_PATTERN.test(name);
}

/** Throws a `TypeError` naming the value unless it is a valid channel name. */
export function assertChannelName(name: unknown): asserts name is string {
  if (!isChannelName(name)) {
    throw new TypeError(`channel name must match ${CHANNEL_NAME_PATTERN}, got ${describeValue(name)}`);
  }
}
