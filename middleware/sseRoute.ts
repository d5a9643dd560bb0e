/** Which of the middleware's routes a request path names. */
export type SseRoute =
  | { kind: 'stats' }
  | { kind: 'assets' }
  /** `channel` is the decoded path segment, not yet validated (undefined when it does not decode). */
  | { kind: 'stream'; channel: string | undefined }
  /** The prefix itself: a stream of several channels when the query names them (`?channels=a,b`). */
  | { kind: 'channels' };

const STATS = '_stats';
const ASSETS = '_assets';

/**
 * Matches `path` (relative to where the middleware is mounted) against `{prefix}/_stats`,
 * `{prefix}/_assets[/…]`, `{prefix}/:channel` and `{prefix}` itself, the way Express's router matches routes by
 * default: case-insensitive, a trailing slash allowed, one segment for the channel. Matching
 * by hand rather than through a nested `Router` keeps an open stream from holding the router's
 * per-request state (its continuation closures and parameter objects) for its whole life.
 */
export function matchSseRoute(path: string, prefix: string): SseRoute | undefined {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const bare = path.toLowerCase();
  if (bare === base.toLowerCase() || bare === prefix.toLowerCase()) return { kind: 'channels' };
  if (path.length <= base.length || path.slice(0, base.length).toLowerCase() !== base.toLowerCase()) return undefined;
  const rest = path.endsWith('/') ? path.slice(base.length, -1) : path.slice(base.length);
  const reserved = rest.toLowerCase();
  if (reserved === ASSETS || reserved.startsWith(`${ASSETS}/`)) return { kind: 'assets' };
  if (rest === '' || rest.includes('/')) return undefined;
  if (reserved === STATS) return { kind: 'stats' };
  return { kind: 'stream', channel: decodeSegment(rest) };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
