import { describeValue } from '../validation/describeValue';
import { assertChannelName } from './channelName';

/** Channels one stream may carry unless `sseMiddleware`'s `maxChannelsPerStream` says otherwise. */
export const DEFAULT_MAX_CHANNELS_PER_STREAM = 32;

/**
 * The channels of one stream, checked and without repeats, in the order first given: `channel`
 * for a single-channel stream, or `channels` for several.
 * @throws TypeError when both or neither are given, the list is empty, or a name is invalid.
 */
export function streamChannels(options: { channel?: string; channels?: readonly string[] }): readonly string[] {
  const { channel, channels } = options;
  if ((channel === undefined) === (channels === undefined))
    throw new TypeError(`give exactly one of channel and channels, got ${describeValue({ channel, channels })}`);
  if (channel !== undefined) {
    assertChannelName(channel);
    return [channel];
  }
  if (!Array.isArray(channels) || channels.length === 0)
    throw new TypeError(`channels must be a non-empty array of channel names, got ${describeValue(channels)}`);
  for (const name of channels) assertChannelName(name);
  return [...new Set(channels)];
}
