import { debuglog } from 'node:util';

/**
 * The library's debug log: silent unless `NODE_DEBUG` names `express-htmx-sse` (Node's
 * `util.debuglog`), then one line per registry, stream and bus event on stderr. Callers test
 * `debugLog.enabled` first, so when it is off a call costs one property read and builds no string.
 */
export const debugLog = debuglog('express-htmx-sse');
