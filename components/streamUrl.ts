import { assertChannelName } from '../lib/broadcast/channelName';
import { DEFAULT_PREFIX, PREFIX_EXPECTED, STREAM_PREFIX } from '../lib/protocol/streamPaths';
import { describeValue } from '../lib/validation/describeValue';

/** Throws a `TypeError` unless `prefix` matches {@link STREAM_PREFIX}. */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || !STREAM_PREFIX.test(prefix))
    throw new TypeError(`prefix must be ${PREFIX_EXPECTED}, got ${describeValue(prefix)}`);
}

/**
 * The stream URL of an element: `url` as given, or `{prefix}/{channel}`. Only same-origin paths
 * and http(s) URLs are accepted: htmx 4 runs `js:`/`javascript:` request URLs as code.
 * @throws TypeError when both or neither of url and channel are given, or either is invalid.
 */
export function streamUrl(options: { url?: string; channel?: string; prefix?: string }): string {
  const { url, channel, prefix = DEFAULT_PREFIX } = options;
  if ((url === undefined) === (channel === undefined)) throw new TypeError('give exactly one of url and channel');
  if (channel !== undefined) {
    assertChannelName(channel);
    assertPrefix(prefix);
    return `${prefix === '/' ? '' : prefix}/${channel}`;
  }
  if (typeof url !== 'string' || !(/^\/(?!\/)/.test(url) || /^https?:\/\//i.test(url)) || /[\s\0]/.test(url)) {
    throw new TypeError(`url must be a same-origin path ("/...") or an http(s) URL, got ${describeValue(url)}`);
  }
  return url;
}
