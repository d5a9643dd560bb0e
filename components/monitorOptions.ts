import {
  CONNECTION_STATES,
  type ConnectionState,
  MONITOR_DEFAULTS,
  type MonitorConfigData,
  RESYNC_PATH,
  RESYNC_PATH_EXPECTED,
  sseStatusId,
} from '../lib/protocol/monitorContract';
import { OptionReader } from '../lib/validation/optionReader';

/** Options of a connection monitor (all optional; each says its default). */
export interface MonitorOptions {
  /** Reconnect after a lost connection. When false, a lost connection ends in `disconnected`. Default true. */
  autoReconnect?: boolean;
  /** Reconnect attempts per outage before giving up (state `error`). `Infinity` for no limit. Default 10. */
  maxReconnectAttempts?: number;
  /** Delay before the first reconnect attempt, in ms; doubled on each further attempt. Default 1000. */
  reconnectDelayMs?: number;
  /** Caps the delay at `reconnectDelayMs * maxBackoffMultiplier`. Default 32. */
  maxBackoffMultiplier?: number;
  /** Random spread of each delay as a fraction from 0 to 1: 0.3 means ±30 %. Default 0.3. */
  jitter?: number;
  /** Close the stream while the page is hidden, reopen when visible (frees a connection slot). Default false. */
  pauseWhenHidden?: boolean;
  /** When the page becomes visible, skip any backoff wait (or a give-up) and reconnect at once. Default true. */
  reconnectWhenVisible?: boolean;
  /**
   * Silence longer than this (no event, no `sse:heartbeat`) counts as a dead connection, in ms.
   * Keep it more than twice the middleware's `keepAlive.intervalMs` (15 s by default): a stream
   * that just carried an event may have its next heartbeat up to two intervals later. 0 turns it off
   * (needed with `keepAlive.as: 'comment'`, which the page cannot see). Default 45000.
   */
  heartbeatTimeoutMs?: number;
  /** Log state changes with `console.info`. Default false. */
  logToConsole?: boolean;
  /** Per state, the name of a global function (`window[name]`) called with the state event's detail. */
  callbacks?: Partial<Record<ConnectionState, string>>;
}

const FUNCTION_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The `resync` prop of `<SseElement>` or `<ConnectionMonitor>`: undefined when absent.
 * @throws TypeError naming the value unless it is a path of this site ({@link RESYNC_PATH}).
 */
export function readResyncPath<O extends { resync?: string }>(read: OptionReader<O>): string | undefined {
  return read.raw('resync') === undefined ? undefined : read.string('resync', '', RESYNC_PATH, RESYNC_PATH_EXPECTED);
}

/** Monitor options validated, with every default filled in: what travels to the browser besides the ids. */
export type ResolvedMonitorOptions = Omit<MonitorConfigData, 'connectionId' | 'statusId' | 'resync'>;

/**
 * Validates monitor options and fills in defaults.
 * @param owner - who the options belong to, as error messages name it. Default `ConnectionMonitor`.
 * @throws TypeError naming the first invalid option.
 */
export function resolveMonitorOptions(
  options: MonitorOptions = {},
  owner = 'ConnectionMonitor',
): ResolvedMonitorOptions {
  const read = new OptionReader<MonitorOptions>(owner, options);
  const callbacks: MonitorConfigData['callbacks'] = {};
  const given = read.raw('callbacks') ?? {};
  if (given === null || typeof given !== 'object') throw read.error('callbacks', 'an object keyed by state', given);
  for (const [state, name] of Object.entries(given)) {
    if (!CONNECTION_STATES.includes(state as ConnectionState))
      throw read.error('callbacks', `keyed by ${CONNECTION_STATES.join(', ')}`, state);
    if (typeof name !== 'string' || !FUNCTION_NAME.test(name))
      throw read.error(`callbacks.${state}`, 'a global function name', name);
    callbacks[state as ConnectionState] = name;
  }
  return {
    autoReconnect: read.boolean('autoReconnect', MONITOR_DEFAULTS.autoReconnect),
    maxReconnectAttempts:
      read.raw('maxReconnectAttempts') === Number.POSITIVE_INFINITY
        ? null
        : read.integer('maxReconnectAttempts', MONITOR_DEFAULTS.maxReconnectAttempts ?? 0),
    reconnectDelayMs: read.integer('reconnectDelayMs', MONITOR_DEFAULTS.reconnectDelayMs),
    maxBackoffMultiplier: read.integer('maxBackoffMultiplier', MONITOR_DEFAULTS.maxBackoffMultiplier, { min: 1 }),
    jitter: read.number('jitter', MONITOR_DEFAULTS.jitter, { max: 1 }),
    pauseWhenHidden: read.boolean('pauseWhenHidden', MONITOR_DEFAULTS.pauseWhenHidden),
    reconnectWhenVisible: read.boolean('reconnectWhenVisible', MONITOR_DEFAULTS.reconnectWhenVisible),
    heartbeatTimeoutMs: read.integer('heartbeatTimeoutMs', MONITOR_DEFAULTS.heartbeatTimeoutMs),
    logToConsole: read.boolean('logToConsole', MONITOR_DEFAULTS.logToConsole),
    callbacks,
  };
}

/**
 * Validates monitor options and fills in defaults, giving the config the browser runtime reads.
 * @param statusId - DOM id of the indicator the monitor drives, or null for none. Default `sse-status-{connectionId}`.
 * @throws TypeError naming the first invalid option.
 */
export function resolveMonitorConfig(
  connectionId: string,
  options: MonitorOptions = {},
  statusId: string | null = sseStatusId(connectionId),
): MonitorConfigData {
  return { connectionId, statusId, ...resolveMonitorOptions(options) };
}
