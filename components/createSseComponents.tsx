import type { PropsWithChildren } from '@kitajs/html';
import { dialectNames } from '../lib/dialects/dialectRegistry';
import { DEFAULT_PREFIX, PREFIX_EXPECTED, STREAM_PREFIX } from '../lib/protocol/streamPaths';
import { OptionReader } from '../lib/validation/optionReader';
import { ConnectionCounter, type ConnectionCounterProps } from './ConnectionCounter';
import { ConnectionMonitor, type ConnectionMonitorProps } from './ConnectionMonitor';
import { DEFAULT_DIALECT, type Dialect } from './dialect';
import { JobProgress, type JobProgressProps, JobStatus, type JobStatusProps } from './JobElements';
import { PresenceCount, type PresenceCountProps } from './PresenceCount';
import { PresenceList, type PresenceListProps } from './PresenceList';
import type { PresenceSource, PresenceSourceProps } from './presenceSource';
import { SseElement, type SseElementProps } from './SseElement';
import { SseHead, type SseHeadProps } from './SseHead';
import { SseInspector, type SseInspectorProps } from './SseInspector';

/** Where the render-time cursor comes from: a `Broadcaster`, or anything with its `cursor()`. */
export interface CursorSource {
  cursor(): Promise<string>;
}

/** Props of a presence component bound by {@link createSseComponents}: `presence` defaults to the app's broadcaster. */
export type BoundPresenceProps<P extends PresenceSourceProps> = Omit<P, 'presence'> & Partial<Pick<P, 'presence'>>;

/** App-wide choices for {@link createSseComponents}. */
export interface SseComponentOptions {
  /**
   * The app's broadcaster. With it, every `SseElement` of a channel or channels carries the cursor
   * at render time (unless given its own `lastEventId`), so the page receives every event published
   * after it was rendered, those before its stream opened included. The element then renders
   * asynchronously (a `Promise<string>`, as Kita renders async components): await the page.
   * `PresenceList` and `PresenceCount` read their channel's members from it when rendered
   * (unless given their own `presence`), and are async too.
   */
  broadcaster?: CursorSource & Partial<PresenceSource>;
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
  ConnectionCounter(props?: ConnectionCounterProps): JSX.Element;
  SseInspector(props?: SseInspectorProps): JSX.Element;
  PresenceList(props: BoundPresenceProps<PresenceListProps>): JSX.Element;
  PresenceCount(props: BoundPresenceProps<PresenceCountProps>): JSX.Element;
  /** With `connect`, opens its job's stream in the app's dialect and prefix, from the render-time cursor. */
  JobProgress(props: PropsWithChildren<JobProgressProps>): JSX.Element;
  /** With `connect`, opens its job's stream in the app's dialect and prefix, from the render-time cursor. */
  JobStatus(props: PropsWithChildren<JobStatusProps>): JSX.Element;
}

/**
 * Kita has no context API, so app-wide settings are bound once here instead:
 * `const { SseElement, SseHead } = createSseComponents({ dialect: 'htmx4' })`. Each component
 * keeps its props, so one element can still override the dialect.
 * @throws TypeError naming an invalid option.
 */
export function createSseComponents(options: SseComponentOptions = {}): SseComponents {
  const read = new OptionReader<SseComponentOptions>('createSseComponents', options);
  const dialect = read.oneOf('dialect', dialectNames() as Dialect[], DEFAULT_DIALECT);
  const prefix = read.string('prefix', DEFAULT_PREFIX, STREAM_PREFIX, PREFIX_EXPECTED);
  const sharedStream = read.boolean('sharedStream', true);
  const broadcaster = read.raw('broadcaster');
  if (broadcaster !== undefined && typeof broadcaster?.cursor !== 'function')
    throw read.error('broadcaster', 'a Broadcaster (createBroadcaster())', broadcaster);
  /** `render(props)`, given the render-time cursor when there is a broadcaster and `needsCursor`. */
  const fromCursor = <P extends { lastEventId?: string }>(
    render: (props: P) => JSX.Element,
    props: P,
    needsCursor: boolean,
  ): JSX.Element => {
    if (!broadcaster || !needsCursor || props.lastEventId !== undefined) return render(props);
    // Without a cursor (the bus unreachable, say) the stream starts when it opens, as it would anyway.
    return broadcaster.cursor().then(
      (lastEventId) => render({ ...props, lastEventId }),
      () => render(props),
    );
  };
  return {
    dialect,
    prefix,
    SseElement: (props) => fromCursor(SseElement, { dialect, prefix, ...props }, props.url === undefined),
    JobProgress: (props) => fromCursor(JobProgress, { dialect, prefix, ...props }, props.connect === true),
    JobStatus: (props) => fromCursor(JobStatus, { dialect, prefix, ...props }, props.connect === true),
    SseHead: (props = {}) => SseHead({ dialect, prefix, sharedStream, ...props }),
    ConnectionMonitor: (props) => ConnectionMonitor(props),
    ConnectionCounter: (props = {}) => ConnectionCounter({ prefix, ...props }),
    SseInspector: (props = {}) => SseInspector({ prefix, ...props }),
    PresenceList: (props) => PresenceList({ ...props, presence: props?.presence ?? (broadcaster as PresenceSource) }),
    PresenceCount: (props) => PresenceCount({ ...props, presence: props?.presence ?? (broadcaster as PresenceSource) }),
  };
}
