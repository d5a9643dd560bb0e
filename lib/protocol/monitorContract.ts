/**
 * What the server-rendered components and the browser monitor runtime agree on: the states, the
 * config carried in a `data-*` attribute, the DOM attributes and events, and the asset names.
 * Imported by both sides, so it must stay free of Node and DOM types.
 */

/** Every state a monitored connection can be in, in the order the status indicator lists them. */
export const CONNECTION_STATES = [
  'connecting',
  'connected',
  'reconnecting',
  'disconnected',
  'error',
  'closed',
  'unauthorized',
] as const;

/**
 * State of one monitored connection:
 * `connecting` (first connection or a resume), `connected`, `reconnecting` (waiting for or making
 * attempt n), `disconnected` (closed and not reconnecting: the page is hidden with `pauseWhenHidden`,
 * or the stream was lost with `autoReconnect: false`), `error` (gave up
 * after the attempt limit), `closed` (the server or the app ended it; no retries),
 * `unauthorized` (access ended: the server's close said `reason: 'revoked'`, or it refused the
 * stream with 401 or 403; no retries until the page reloads or calls `sseMonitor.reconnect(id)`).
 */
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/**
 * Other names a state may go by where indicators are keyed by state (`labels`, `indicators`):
 * `active`, the Python library's key for `connected`.
 */
export const STATE_ALIASES: Readonly<Record<StateAlias, ConnectionState>> = Object.freeze({ active: 'connected' });

/** A key of {@link STATE_ALIASES}. */
export type StateAlias = 'active';

/** A key of `labels` or `indicators`: a state, or an alias of one. */
export type IndicatorKey = ConnectionState | StateAlias;

/** The state a key of `labels` or `indicators` names (a state or one of {@link STATE_ALIASES}), or undefined. */
export function stateNamedBy(key: string): ConnectionState | undefined {
  if ((CONNECTION_STATES as readonly string[]).includes(key)) return key as ConnectionState;
  return Object.hasOwn(STATE_ALIASES, key) ? STATE_ALIASES[key as StateAlias] : undefined;
}

/**
 * The name of a dialect the components render for: `htmx2` (htmx 2 with `htmx-ext-sse`) or
 * `htmx4` (htmx 4 with its `hx-sse` extension). Each is one file under `lib/dialects/`; the
 * registry there checks at compile time that this union names exactly those.
 */
export type Dialect = 'htmx2' | 'htmx4';

/** The monitor configuration as it travels to the browser (JSON in {@link MONITOR_CONFIG_ATTRIBUTE}). */
export interface MonitorConfigData {
  /** The connection this monitor watches: its element has `data-sse-connection="{connectionId}"`. */
  connectionId: string;
  /** DOM id of the status indicator it drives (default `sse-status-{connectionId}`); null for none. */
  statusId: string | null;
  /** Reconnect after a lost connection; when false, a lost connection ends in `disconnected`. */
  autoReconnect: boolean;
  /** Reconnect attempts per outage before giving up (state `error`); `null` means no limit. */
  maxReconnectAttempts: number | null;
  /** Delay before the first reconnect attempt, in ms; doubled on each further attempt. */
  reconnectDelayMs: number;
  /** The delay never exceeds `reconnectDelayMs * maxBackoffMultiplier`. */
  maxBackoffMultiplier: number;
  /** Random spread of each delay, as a fraction: 0.3 means ±30 %. */
  jitter: number;
  /** Close the stream while the page is hidden and reopen it when visible again. */
  pauseWhenHidden: boolean;
  /** When the page becomes visible, skip any backoff wait and reconnect at once. */
  reconnectWhenVisible: boolean;
  /** Silence (no event, no heartbeat) longer than this counts as a dead connection; 0 turns it off. */
  heartbeatTimeoutMs: number;
  /** Log state changes with `console.info`. */
  logToConsole: boolean;
  /** Names of global functions (`window[name]`) called with the state event's detail, per state. */
  callbacks: Partial<Record<ConnectionState, string>>;
  /**
   * A path of the page's own origin ({@link RESYNC_PATH}) whose answer replaces the element's
   * content when its stream reports a gap; absent for none. The element's own
   * {@link RESYNC_ATTRIBUTE} takes precedence.
   */
  resync?: string;
}

/** Defaults of every monitor option but `connectionId` and `statusId` (which derives from it). */
export const MONITOR_DEFAULTS: Readonly<Omit<MonitorConfigData, 'connectionId' | 'statusId'>> = Object.freeze({
  autoReconnect: true,
  maxReconnectAttempts: 10,
  reconnectDelayMs: 1000,
  maxBackoffMultiplier: 32,
  jitter: 0.3,
  pauseWhenHidden: false,
  reconnectWhenVisible: true,
  heartbeatTimeoutMs: 45_000,
  logToConsole: false,
  callbacks: {},
});

/** Attribute holding the monitor config (JSON) on the status container. */
export const MONITOR_CONFIG_ATTRIBUTE = 'data-sse-monitor';
/** Attribute with the current state, on the status container. */
export const STATE_ATTRIBUTE = 'data-sse-state';
/** Attribute naming the state an indicator child stands for. */
export const INDICATOR_STATE_ATTRIBUTE = 'data-sse-for';
/** Attribute with the current reconnect attempt, on the status container. */
export const ATTEMPT_ATTRIBUTE = 'data-sse-attempt';
/** Marks an element whose text the runtime sets to the attempt ("2" or "2/10"). */
export const ATTEMPT_TEXT_ATTRIBUTE = 'data-sse-attempt-text';
/** Attribute with the connection id on the connect element. */
export const CONNECTION_ID_ATTRIBUTE = 'data-sse-connection';
/** Attribute the runtime sets on the connect element: the id the server gave its current stream. */
export const STREAM_ID_ATTRIBUTE = 'data-sse-stream-id';
/** Attribute on the connect element: the path fetched to bring its content back after a gap (`<SseElement resync>`). */
export const RESYNC_ATTRIBUTE = 'data-sse-resync';

/**
 * A resync path as the components accept it: one of the page's own origin, starting with a single
 * `/` (not `//` or `/\`, which browsers read as another host), with no whitespace or control
 * character (which URL parsing would drop or move). The runtime checks the resolved origin again.
 */
export const RESYNC_PATH = /^\/(?![/\\])[^\s\p{Cc}]*$/u;
/** How {@link RESYNC_PATH} reads in an error message. */
export const RESYNC_PATH_EXPECTED = 'a path of this site such as "/board" (no other origin, no whitespace)';

/** DOM event dispatched on the connect element on every state change. */
export const STATE_DOM_EVENT = 'sse-monitor:state';
/** DOM event dispatched on the connect element when the server reports a replay gap. */
export const GAP_DOM_EVENT = 'sse-monitor:gap';
/** DOM event dispatched on the connect element after each resync request (see {@link MonitorResyncDetail}). */
export const RESYNC_DOM_EVENT = 'sse-monitor:resync';

/** `detail` of {@link STATE_DOM_EVENT}. */
export interface MonitorStateDetail {
  connectionId: string;
  state: ConnectionState;
  /** Reconnect attempt of the current outage (0 while connected). */
  attempt: number;
  /** For `reconnecting`: how long the monitor waits before this attempt, in ms. */
  delayMs?: number;
}

/** `detail` of {@link GAP_DOM_EVENT}: the server could not replay from the page's cursor. */
export interface MonitorGapDetail {
  connectionId: string;
  /** The cursor the page came back with. */
  lastEventId: string;
  /** The newest id on the channel (live events continue after it). */
  latestId: string | null;
}

/** `detail` of {@link RESYNC_DOM_EVENT}: one resync request, answered or not. */
export interface MonitorResyncDetail {
  connectionId: string;
  /** The URL fetched, resolved against the page; a refused one as the page gave it. */
  url: string;
  /**
   * The response's HTTP status (its content was swapped in for a 2xx other than 204), or 0: the
   * request or the swap failed, or the URL is of another origin and was not fetched.
   */
  status: number;
}

/** File names of the package's own assets under `{prefix}/_assets/` (each dialect names its scripts). */
export const ASSET_FILES = Object.freeze({
  monitor: 'monitor.js',
  sharedStreamWorker: 'shared-stream.js',
  styles: 'sse-status.css',
});

/**
 * `<meta name>` on which `<SseHead>` names the prefix whose streams the page's live elements share
 * (one stream per browser); absent when the app turned sharing off.
 */
export const SHARED_STREAM_META = 'sse-shared-stream';
/** Attribute on a connect element: `off` gives that element its own private stream. */
export const SHARED_STREAM_ATTRIBUTE = 'data-sse-shared';

const ELEMENT_ID_PREFIX = 'sse-element-';
const STATUS_ID_PREFIX = 'sse-status-';

function assertConnectionId(connectionId: unknown): asserts connectionId is string {
  if (typeof connectionId !== 'string' || connectionId === '') {
    throw new TypeError(
      `connectionId must be a non-empty string, got ${typeof connectionId === 'string' ? '""' : String(connectionId)}`,
    );
  }
}

/** Id of the SSE-connected element of a connection: `sse-element-{connectionId}`. */
export function sseElementId(connectionId: string): string {
  assertConnectionId(connectionId);
  return ELEMENT_ID_PREFIX + connectionId;
}

/** Id of the status container of a connection: `sse-status-{connectionId}`. */
export function sseStatusId(connectionId: string): string {
  assertConnectionId(connectionId);
  return STATUS_ID_PREFIX + connectionId;
}

/**
 * DOM event dispatched on `document` whenever the number of the page's open monitored connections
 * changes (see {@link MonitorCountDetail}; `window.sseMonitor.count()` reads it at any time).
 */
export const COUNT_DOM_EVENT = 'sse-monitor:count';

/** `detail` of the `sse-monitor:count` event, dispatched on `document` when the page count changes. */
export interface MonitorCountDetail {
  /** Monitored connections of this page in the `connected` state (each element counts, on a shared stream too). */
  count: number;
}

/** Marks an element whose text the runtime sets to the page's count (`<ConnectionCounter mode="page">`). */
export const PAGE_COUNT_ATTRIBUTE = 'data-sse-page-count';

/**
 * `<meta name>` on which `<SseHead supervise>` puts the monitor options (JSON) that supervise every
 * connect element of the page with no `<ConnectionMonitor>` of its own; absent when off.
 */
export const SUPERVISE_META = 'sse-supervise';
