import type { Dialect } from '../lib/protocol/monitorContract';

export type { Dialect } from '../lib/protocol/monitorContract';

/**
 * The dialect components render when none is given: `htmx2` (htmx 2 with `htmx-ext-sse`, the
 * installed base). Choose per app with `createSseComponents({ dialect })`, per component with `dialect`.
 */
export const DEFAULT_DIALECT: Dialect = 'htmx2';
