import type { PropsWithChildren } from '@kitajs/html';
import { ConnectionMonitor, type ConnectionMonitorProps } from './ConnectionMonitor';
import { assertDialect, DEFAULT_DIALECT, type Dialect } from './dialect';
import { SseElement, type SseElementProps } from './SseElement';
import { SseHead, type SseHeadProps } from './SseHead';
import { assertPrefix, DEFAULT_PREFIX } from './streamUrl';

/** App-wide choices for {@link createSseComponents}. */
export interface SseComponentOptions {
  /** Dialect of every component unless a component's own `dialect` prop says otherwise. Default `htmx2`. */
  dialect?: Dialect;
  /** Mount path of `sseMiddleware` (stream URLs from `channel`, asset URLs). Default `/sse`. */
  prefix?: string;
}

/** Components bound to one app's dialect and prefix. */
export interface SseComponents {
  readonly dialect: Dialect;
  readonly prefix: string;
  SseElement(props: PropsWithChildren<SseElementProps>): JSX.Element;
  SseHead(props?: SseHeadProps): JSX.Element;
  ConnectionMonitor(props: ConnectionMonitorProps): JSX.Element;
}

/**
 * Kita has no context API, so app-wide settings are bound once here instead:
 * `const { SseElement, SseHead } = createSseComponents({ dialect: 'htmx4' })`. Each component
 * keeps its props, so one element can still override the dialect.
 * @throws TypeError naming an invalid option.
 */
export function createSseComponents(options: SseComponentOptions = {}): SseComponents {
  const dialect = options.dialect ?? DEFAULT_DIALECT;
  assertDialect(dialect);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  assertPrefix(prefix);
  return {
    dialect,
    prefix,
    SseElement: (props) => SseElement({ dialect, prefix, ...props }),
    SseHead: (props = {}) => SseHead({ dialect, prefix, ...props }),
    ConnectionMonitor: (props) => ConnectionMonitor(props),
  };
}
