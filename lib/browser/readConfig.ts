import { CONNECTION_STATES, MONITOR_DEFAULTS, type MonitorConfigData, sseStatusId } from '../protocol/monitorContract';

type Defaults = typeof MONITOR_DEFAULTS;

function numberOr(value: unknown, fallback: number, min: number, max = Number.POSITIVE_INFINITY): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function callbacksOf(value: unknown): MonitorConfigData['callbacks'] {
  const callbacks: MonitorConfigData['callbacks'] = {};
  if (value === null || typeof value !== 'object') return callbacks;
  const record = value as Record<string, unknown>;
  for (const state of CONNECTION_STATES) {
    const name = record[state];
    if (typeof name === 'string' && name !== '') callbacks[state] = name;
  }
  return callbacks;
}

/**
 * Reads a monitor config from its JSON text. The server validated it; the browser still treats
 * it as untrusted data: unknown keys are ignored and a bad value falls back to its default.
 * Returns undefined when the text is not a JSON object with a connection id.
 */
export function readMonitorConfig(
  text: string | null,
  defaults: Defaults = MONITOR_DEFAULTS,
): MonitorConfigData | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const raw = parsed as Record<string, unknown>;
  if (typeof raw.connectionId !== 'string' || raw.connectionId === '') return undefined;
  return {
    connectionId: raw.connectionId,
    statusId:
      raw.statusId === null
        ? null
        : typeof raw.statusId === 'string' && raw.statusId !== ''
          ? raw.statusId
          : sseStatusId(raw.connectionId),
    autoReconnect: booleanOr(raw.autoReconnect, defaults.autoReconnect),
    maxReconnectAttempts:
      raw.maxReconnectAttempts === null
        ? null
        : numberOr(raw.maxReconnectAttempts, defaults.maxReconnectAttempts ?? 0, 0),
    reconnectDelayMs: numberOr(raw.reconnectDelayMs, defaults.reconnectDelayMs, 0),
    maxBackoffMultiplier: numberOr(raw.maxBackoffMultiplier, defaults.maxBackoffMultiplier, 1),
    jitter: numberOr(raw.jitter, defaults.jitter, 0, 1),
    pauseWhenHidden: booleanOr(raw.pauseWhenHidden, defaults.pauseWhenHidden),
    reconnectWhenVisible: booleanOr(raw.reconnectWhenVisible, defaults.reconnectWhenVisible),
    heartbeatTimeoutMs: numberOr(raw.heartbeatTimeoutMs, defaults.heartbeatTimeoutMs, 0),
    logToConsole: booleanOr(raw.logToConsole, defaults.logToConsole),
    callbacks: callbacksOf(raw.callbacks),
    // Its origin is checked when it is fetched (see elementResync.ts).
    resync: typeof raw.resync === 'string' && raw.resync !== '' ? raw.resync : undefined,
  };
}
