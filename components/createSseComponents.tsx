import type { PropsWithChildren } from '@kitajs/html';
import { DIALECTS } from '../lib/protocol/monitorContract';
import { DEFAULT_PREFIX, PREFIX_EXPECTED, STREAM_PREFIX } from '../lib/protocol/streamPaths';
import { OptionReader } from '../lib/validation/optionReader';
import { ConnectionMonitor, type ConnectionMonitorProps } from './ConnectionMonitor';
import { DEFAULT_DIALECT, type Dialect } from './dialect';
import { SseElement, type SseElementProps } from './SseElement';
import { SseHead, type SseHeadProps } from './SseHead';

/** App-wide choices for {@link createSseComponents}. */
export interface SseComponentOptions {
  /** Dialect of every component unless a component's own `dialect` prop says otherwise. Default `htmx2`. */
  dialect?: Dialect;
  /** Mount path of `sseMiddleware` (stream URLs from `channel`, asset URLs). Default `/sse`. */
  prefix?: string;
  /** Whether `SseHead` turns on one shared stream per browser (see {@link SseHeadProps.sharedStream}). Default true. */
  sharedStream?: boolean;
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
  const read = new OptionReader<SseComponentOptions>('createSseComponents', options);
  const dialect = read.oneOf('dialect', DIALECTS, DEFAULT_DIALECT);
  const prefix = read.string('prefix', DEFAULT_PREFIX, STREAM_PREFIX, PREFIX_EXPECTED);
  const sharedStream = read.boolean('sharedStream', true);
  return {
    dialect,
    prefix,
    SseElement: (props) => SseElement({ dialect, prefix, ...props }),
    SseHead: (props = {}) => SseHead({ dialect, prefix, sharedStream, ...props }),
    ConnectionMonitor: (props) => ConnectionMonitor(props),
  };
}
