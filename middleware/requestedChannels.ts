import type { Request } from 'express';
import { isChannelName } from '../lib/broadcast/channelName';

/** The channels a stream request names, or why it cannot be served (a 400 message). */
export type RequestedChannels = { channels: string[] } | { invalid: string };

const NAME_RULE = 'use 1-128 of A-Z a-z 0-9 _ . : -';

/** `GET {prefix}/:channel`: the decoded segment (undefined when it does not decode). */
export function singleChannel(channel: string | undefined): RequestedChannels {
  if (channel !== undefined && isChannelName(channel)) return { channels: [channel] };
  const shown = channel === undefined ? 'that is not valid percent-encoding' : JSON.stringify(channel);
  return { invalid: `invalid channel name ${shown}: ${NAME_RULE}` };
}

/**
 * `GET {prefix}?channels=a,b,c`: comma-separated channel names, repeats ignored, at most `max`.
 * Undefined when the request has no `channels` parameter (not a stream request).
 */
export function listedChannels(req: Request, max: number): RequestedChannels | undefined {
  const listed = req.query.channels;
  if (listed === undefined) return undefined;
  if (typeof listed !== 'string')
    return { invalid: 'give channels once, as one comma-separated list: ?channels=a,b,c' };
  const channels = [...new Set(listed.split(','))];
  if (channels.length > max) return { invalid: `too many channels: ${channels.length}, at most ${max} per stream` };
  const bad = channels.find((channel) => !isChannelName(channel));
  if (bad !== undefined) return { invalid: `invalid channel name ${JSON.stringify(bad)}: ${NAME_RULE}` };
  return { channels };
}
