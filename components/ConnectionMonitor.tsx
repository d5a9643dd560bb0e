import { MONITOR_CONFIG_ATTRIBUTE, sseStatusId } from '../lib/protocol/monitorContract';
import { describeValue } from '../lib/validation/describeValue';
import { type ConnectionStatusProps, statusContainer } from './ConnectionStatus';
import { assertElementId } from './elementId';
import { inlineJson } from './inlineJson';
import { type MonitorOptions, resolveMonitorConfig } from './monitorOptions';

/** Props of {@link ConnectionMonitor}: the indicator's props plus the monitor's options. */
export interface ConnectionMonitorProps extends ConnectionStatusProps {
  /** Reconnect, heartbeat, visibility and logging options (see {@link MonitorOptions}). */
  config?: MonitorOptions;
  /**
   * Show a status indicator. Default true. When false, only a hidden holder of the config is
   * rendered: the connection is still supervised (reconnects, heartbeat, state events, its id).
   */
  indicator?: boolean;
}

/**
 * A status indicator that the page's monitor runtime (`monitor.js`, see `<SseHead>`) drives for
 * the element whose `data-sse-connection` is `connectionId`: its state (connecting, connected,
 * reconnecting, error, closed) as text and styles, with reconnects and heartbeat checks. The config travels as JSON data in `data-sse-monitor`; no script is
 * rendered per connection.
 * @throws TypeError naming any invalid prop or option.
 */
export function ConnectionMonitor({ config, indicator = true, ...status }: ConnectionMonitorProps): JSX.Element {
  if (typeof indicator !== 'boolean')
    throw new TypeError(`indicator must be a boolean, got ${describeValue(indicator)}`);
  if (status.id !== undefined) assertElementId('id', status.id);
  const statusId = indicator ? (status.id ?? sseStatusId(status.connectionId)) : null;
  const data = inlineJson(resolveMonitorConfig(status.connectionId, config, statusId));
  if (!indicator) return <div hidden {...{ [MONITOR_CONFIG_ATTRIBUTE]: data }}></div>;
  return statusContainer(status, data);
}
