import type { Request } from 'express';
import { isConnectionId, isTabExclusion } from '../lib/broadcast/connectionId';
import { CONNECTION_ID_HEADER, parseConnectionIdHeader } from '../lib/protocol/connectionHeader';

/**
 * The connection ids of the page that sent `req`: the monitor runtime adds them to every htmx
 * request as the `SSE-Connection-Id` header. A stream of the page's own is named by its id; the
 * browser's shared stream by `<id>/<tab id>`, this tab of it. Invalid entries are left out. Made
 * for "everyone but the tab that made this change":
 * `broadcaster.publish(channel, message, { exclude: requestConnectionIds(req) })`.
 */
export function requestConnectionIds(req: Request): string[] {
  return parseConnectionIdHeader(req.get(CONNECTION_ID_HEADER)).filter(
    (id) => isConnectionId(id) || isTabExclusion(id),
  );
}
