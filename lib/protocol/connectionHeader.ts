/**
 * The request header a page sends with its htmx requests: the connection ids of the page's own
 * streams (comma-separated), so a route handler can leave the tab that made a change out of the
 * broadcast of that change (`exclude: requestConnectionIds(req)`).
 */
export const CONNECTION_ID_HEADER = 'SSE-Connection-Id';

/** At most this many ids are read from one header (a page has a handful of streams). */
const MAX_IDS = 16;

/** The connection ids in a header value: trimmed, empty entries dropped, at most 16. */
export function parseConnectionIdHeader(value: string | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const part of value.split(',')) {
    const id = part.trim();
    if (id !== '') ids.push(id);
    if (ids.length === MAX_IDS) break;
  }
  return ids;
}
