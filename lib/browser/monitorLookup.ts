import { CONNECTION_ID_ATTRIBUTE, MONITOR_CONFIG_ATTRIBUTE, type MonitorConfigData } from '../protocol/monitorContract';
import { readMonitorConfig } from './readConfig';

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

/** The connect element of `connectionId` (the one with `data-sse-connection="{connectionId}"`). */
export function monitoredElement(connectionId: string): Element | null {
  return document.querySelector(`[${CONNECTION_ID_ATTRIBUTE}="${CSS.escape(connectionId)}"]`);
}
