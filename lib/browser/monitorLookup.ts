import {
  CONNECTION_ID_ATTRIBUTE,
  MONITOR_CONFIG_ATTRIBUTE,
  MONITOR_DEFAULTS,
  type MonitorConfigData,
  RESYNC_ATTRIBUTE,
} from '../protocol/monitorContract';
import { type MonitorOptionsData, readMonitorConfig } from './readConfig';

/**
 * The monitor config of `connectionId`, wherever the page put it (a status indicator, or the
 * hidden holder of a monitor without one): element ids are the app's choice, so it is found by
 * the connection id inside the config, not by an id.
 */
export function findMonitorConfig(connectionId: string): MonitorConfigData | undefined {
  for (const holder of document.querySelectorAll(`[${MONITOR_CONFIG_ATTRIBUTE}]`)) {
    const config = readMonitorConfig(holder.getAttribute(MONITOR_CONFIG_ATTRIBUTE));
    if (config?.connectionId === connectionId) return config;
  }
  return undefined;
}

/**
 * The config the runtime supervises a connect element with: its `<ConnectionMonitor>`'s, else the
 * page-wide options of `<SseHead supervise>` with no indicator, else, for an element that asks for
 * a resync (`<SseElement resync>`, which only a supervised element can do), the default options
 * with no indicator; undefined for an element nobody monitors.
 */
export function monitorConfigFor(
  element: Element,
  connectionId: string,
  supervision: MonitorOptionsData | undefined,
): MonitorConfigData | undefined {
  const found = findMonitorConfig(connectionId);
  if (found) return found;
  if (supervision) return { connectionId, statusId: null, ...supervision };
  if (!element.getAttribute(RESYNC_ATTRIBUTE)) return undefined;
  return { connectionId, statusId: null, ...MONITOR_DEFAULTS };
}

/** The connect element of `connectionId` (the one with `data-sse-connection="{connectionId}"`). */
export function monitoredElement(connectionId: string): Element | null {
  return document.querySelector(`[${CONNECTION_ID_ATTRIBUTE}="${CSS.escape(connectionId)}"]`);
}
