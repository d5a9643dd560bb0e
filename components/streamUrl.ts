import { assertChannelName } from '../lib/channelName';
import { describeValue } from '../lib/fieldValidation';

/** The middleware's default mount path, as in `sseMiddleware({ prefix })`. */
export const DEFAULT_PREFIX = '/sse';

/** Throws a `TypeError` unless `prefix` is a path like `/sse` (a leading `/`, no trailing `/`). */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || !/^\/[A-Za-z0-9_.~\-/]*$/.test(prefix) || prefix.startsWith('//') || (prefix.length > 1 && prefix.endsWith('/'))) {
    throw new TypeError(`prefix must be a path such as "/sse", got ${describeValue(prefix)}`);
  }
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
