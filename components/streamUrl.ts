import { assertChannelName } from '../lib/broadcast/channelName';
import { assertSingleLineField } from '../lib/protocol/fieldValidation';
import { DEFAULT_PREFIX, PREFIX_EXPECTED, STREAM_PREFIX } from '../lib/protocol/streamPaths';
import { describeValue } from '../lib/validation/describeValue';

/** Throws a `TypeError` unless `prefix` matches {@link STREAM_PREFIX}. */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || !STREAM_PREFIX.test(prefix))
    throw new TypeError(`prefix must be ${PREFIX_EXPECTED}, got ${describeValue(prefix)}`);
}

/** Where an element's stream is: one of `url`, `channel` or `channels`, and the render-time cursor. */
export interface StreamUrlOptions {
  url?: string;
  channel?: string;
  channels?: readonly string[];
  prefix?: string;
  /** Position the stream resumes from (the broadcaster's cursor when the page was rendered). */
  lastEventId?: string;
}

function channelsUrl(prefix: string, channel: string | undefined, channels: readonly string[] | undefined): string {
  assertPrefix(prefix);
  const base = prefix === '/' ? '' : prefix;
  if (channel !== undefined) {
    assertChannelName(channel);
    return `${base}/${channel}`;
  }
  if (!Array.isArray(channels) || channels.length === 0)
    throw new TypeError(`channels must be a non-empty array of channel names, got ${describeValue(channels)}`);
  for (const name of channels) assertChannelName(name);
  return `${base || '/'}?channels=${[...new Set(channels)].join(',')}`;
}

/**
 * The stream URL of an element: `url` as given, `{prefix}/{channel}`, or `{prefix}?channels=a,b`,
 * with `lastEventId=<cursor>` added when a render-time cursor is given. Only same-origin paths and
 * http(s) URLs are accepted: htmx 4 runs `js:`/`javascript:` request URLs as code.
 * @throws TypeError unless exactly one of url, channel and channels is given, or when one is invalid.
 */
export function streamUrl(options: StreamUrlOptions): string {
  const { url, channel, channels, prefix = DEFAULT_PREFIX, lastEventId } = options;
  if ([url, channel, channels].filter((given) => given !== undefined).length !== 1)
    throw new TypeError('give exactly one of url, channel and channels');
  if (url !== undefined) {
    if (typeof url !== 'string' || !(/^\/(?!\/)/.test(url) || /^https?:\/\//i.test(url)) || /[\s\0]/.test(url)) {
      throw new TypeError(`url must be a same-origin path ("/...") or an http(s) URL, got ${describeValue(url)}`);
    }
  }
  const path = url ?? channelsUrl(prefix, channel, channels);
  if (lastEventId === undefined) return path;
  assertSingleLineField('id', lastEventId);
  return `${path}${path.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(lastEventId)}`;
}
