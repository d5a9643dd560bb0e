import { DIALECTS, type Dialect } from '../lib/protocol/monitorContract';
import { describeValue } from '../lib/validation/describeValue';

export type { Dialect } from '../lib/protocol/monitorContract';

/**
 * The dialect components render when none is given: `htmx2` (htmx 2 with `htmx-ext-sse`, the
 * installed base). Choose per app with `createSseComponents({ dialect })`, per component with `dialect`.
 */
export const DEFAULT_DIALECT: Dialect = 'htmx2';

/** Throws a `TypeError` naming the value unless it is `htmx2` or `htmx4`. */
export function assertDialect(dialect: unknown): asserts dialect is Dialect {
  if (!DIALECTS.includes(dialect as Dialect))
    throw new TypeError(`dialect must be one of ${DIALECTS.join(', ')}, got ${describeValue(dialect)}`);
}
