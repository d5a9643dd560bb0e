/**
 * The paths `sseMiddleware` serves and the components link to: the mount prefix both sides agree on.
 */

/** The middleware's default mount path, as in `sseMiddleware({ prefix })`. */
export const DEFAULT_PREFIX = '/sse';

/** A mount path like `/sse`: a leading `/`, no `//`, no trailing `/` (but `/` itself). */
export const STREAM_PREFIX = /^(?:\/|(?:\/[A-Za-z0-9_.~-]+)+)$/;

/** How {@link STREAM_PREFIX} reads in an error message. */
export const PREFIX_EXPECTED = 'a path such as "/sse"';

/** The URL of one of the package's browser files, as the middleware serves it: `{prefix}/_assets/{file}`. */
export function assetPath(prefix: string, file: string): string {
  return `${prefix === '/' ? '' : prefix}/_assets/${file}`;
}
