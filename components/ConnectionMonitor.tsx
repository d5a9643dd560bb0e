import { type ConnectionStatusProps, statusContainer } from './ConnectionStatus';
import { inlineJson } from './inlineJson';
import { type MonitorOptions, resolveMonitorConfig } from './monitorOptions';

/** Props of {@link ConnectionMonitor}: the indicator's props plus the monitor's options. */
export interface ConnectionMonitorProps extends ConnectionStatusProps {
  /** Reconnect, heartbeat, visibility and logging options (see {@link MonitorOptions}). */
  config?: MonitorOptions;
}

/**
 * A status indicator that the page's monitor runtime (`monitor.js`, see `<SseHead>`) drives for
 * the element `sse-element-{connectionId}` (the reference library's `SSEConnectionMonitor`). The
 * config travels as JSON data in `data-sse-monitor`; no script is rendered per connection.
 * @throws TypeError naming any invalid prop or option.
 */
export function ConnectionMonitor({ config, ...status }: ConnectionMonitorProps): JSX.Element {
  const data = resolveMonitorConfig(status.connectionId, config);
  return statusContainer(status, inlineJson(data));
}
