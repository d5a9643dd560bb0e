import { CHANNEL_NAME_PATTERN } from '../protocol/channelNamePattern';
import { describeValue } from '../validation/describeValue';

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
