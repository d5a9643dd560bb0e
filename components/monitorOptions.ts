import { describeValue } from '../lib/fieldValidation';
import { CONNECTION_STATES, type ConnectionState, MONITOR_DEFAULTS, type MonitorConfigData } from '../lib/client/monitorContract';

/** Options of a connection monitor (all optional; defaults in {@link MONITOR_DEFAULTS}). */
export interface MonitorOptions {
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
   * Keep it a few times the middleware's `keepAlive.intervalMs` (15 s by default). 0 turns it off
   * (needed with `keepAlive.as: 'comment'`, which the page cannot see). Default 45000.
   */
  heartbeatTimeoutMs?: number;
  /** Log state changes with `console.info`. Default false. */
  logToConsole?: boolean;
  /** Per state, the name of a global function (`window[name]`) called with the state event's detail. */
  callbacks?: Partial<Record<ConnectionState, string>>;
}

const FUNCTION_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function wholeNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new TypeError(`${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/**
 * Validates monitor options and fills in defaults, giving the config the browser runtime reads.
 * @throws TypeError naming the first invalid option.
 */
export function resolveMonitorConfig(connectionId: string, options: MonitorOptions = {}): MonitorConfigData {
  if (options === null || typeof options !== 'object') throw new TypeError(`monitor options must be an object, got ${describeValue(options)}`);
  const max = options.maxReconnectAttempts;
  const maxReconnectAttempts = max === Number.POSITIVE_INFINITY ? null : wholeNumber('maxReconnectAttempts', max, MONITOR_DEFAULTS.maxReconnectAttempts ?? 0, 0);
  const jitter = options.jitter ?? MONITOR_DEFAULTS.jitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) throw new TypeError(`jitter must be a number from 0 to 1, got ${describeValue(jitter)}`);
  const callbacks: MonitorConfigData['callbacks'] = {};
  for (const [state, name] of Object.entries(options.callbacks ?? {})) {
    if (!CONNECTION_STATES.includes(state as ConnectionState)) throw new TypeError(`callbacks: unknown state ${describeValue(state)}`);
    if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) throw new TypeError(`callbacks.${state} must be a global function name, got ${describeValue(name)}`);
    callbacks[state as ConnectionState] = name;
  }
  return {
    connectionId,
    maxReconnectAttempts,
    reconnectDelayMs: wholeNumber('reconnectDelayMs', options.reconnectDelayMs, MONITOR_DEFAULTS.reconnectDelayMs, 0),
    maxBackoffMultiplier: wholeNumber('maxBackoffMultiplier', options.maxBackoffMultiplier, MONITOR_DEFAULTS.maxBackoffMultiplier, 1),
    jitter,
    pauseWhenHidden: flag('pauseWhenHidden', options.pauseWhenHidden, MONITOR_DEFAULTS.pauseWhenHidden),
    reconnectWhenVisible: flag('reconnectWhenVisible', options.reconnectWhenVisible, MONITOR_DEFAULTS.reconnectWhenVisible),
    heartbeatTimeoutMs: wholeNumber('heartbeatTimeoutMs', options.heartbeatTimeoutMs, MONITOR_DEFAULTS.heartbeatTimeoutMs, 0),
    logToConsole: flag('logToConsole', options.logToConsole, MONITOR_DEFAULTS.logToConsole),
    callbacks,
  };
}
