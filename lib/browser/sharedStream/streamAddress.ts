/** What an element's stream URL asks for, when it is a URL of the middleware. */
export interface StreamAddress {
  /** The middleware's mount path, e.g. `/sse`. */
  prefix: string;
  channels: string[];
  /** Its `lastEventId` query parameter ('' when none). */
  cursor: string;
}

const KNOWN_PARAMETERS = new Set(['channels', 'lastEventId']);

/**
 * Reads `{prefix}/{channel}` or `{prefix}?channels=a,b` (either with `lastEventId=`) on this
 * origin. Anything else (another origin, other query parameters, a reserved `_` name) gives
 * undefined: such a stream stays private.
 */
export function streamAddressOf(url: string): StreamAddress | undefined {
  let resolved: URL;
  try {
    resolved = new URL(url, document.baseURI);
  } catch {
    return undefined;
  }
  if (resolved.origin !== location.origin || resolved.hash) return undefined;
  const { searchParams, pathname } = resolved;
  if ([...searchParams.keys()].some((name) => !KNOWN_PARAMETERS.has(name))) return undefined;
  const list = searchParams.get('channels');
  let prefix = pathname;
  let channels: string[];
  if (list === null) {
    const slash = pathname.lastIndexOf('/');
    prefix = pathname.slice(0, slash) || '/';
    try {
      channels = [decodeURIComponent(pathname.slice(slash + 1))];
    } catch {
      return undefined;
    }
  } else channels = list.split(',');
  if (channels.some((channel) => channel === '' || channel.startsWith('_'))) return undefined;
  return { prefix, channels, cursor: searchParams.get('lastEventId') ?? '' };
}
