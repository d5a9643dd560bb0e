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

/** The options of a monitor, without its connection, its indicator and its resync path. */
export type MonitorOptionsData = Omit<MonitorConfigData, 'connectionId' | 'statusId' | 'resync'>;

/** A JSON object's fields, or undefined for any other text. */
function parseObject(text: string | null): Record<string, unknown> | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
}

/** Each option of `raw`, or its default where it is missing or bad. */
function optionsOf(raw: Record<string, unknown>, defaults: Defaults): MonitorOptionsData {
  return {
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
  };
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
  const raw = parseObject(text);
  if (raw === undefined || typeof raw.connectionId !== 'string' || raw.connectionId === '') return undefined;
  return {
    connectionId: raw.connectionId,
    statusId:
      raw.statusId === null
        ? null
        : typeof raw.statusId === 'string' && raw.statusId !== ''
          ? raw.statusId
          : sseStatusId(raw.connectionId),
    ...optionsOf(raw, defaults),
    // Its origin is checked when it is fetched (see elementResync.ts).
    resync: typeof raw.resync === 'string' && raw.resync !== '' ? raw.resync : undefined,
  };
}

/**
 * Reads monitor options alone (`<SseHead supervise>`'s JSON), as untrusted as
 * {@link readMonitorConfig}; undefined when the text is not a JSON object.
 */
export function readMonitorOptions(text: string | null): MonitorOptionsData | undefined {
  const raw = parseObject(text);
  return raw && optionsOf(raw, MONITOR_DEFAULTS);
}
