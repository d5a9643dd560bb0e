import { MONITOR_CONFIG_ATTRIBUTE, sseStatusId } from '../lib/protocol/monitorContract';
import { describeValue } from '../lib/validation/describeValue';
import { OptionReader } from '../lib/validation/optionReader';
import { type ConnectionStatusProps, statusContainer } from './ConnectionStatus';
import { assertElementId } from './elementId';
import { inlineJson } from './inlineJson';
import { type MonitorOptions, readResyncPath, resolveMonitorConfig } from './monitorOptions';

/** Props of {@link ConnectionMonitor}: the indicator's props plus the monitor's options. */
export interface ConnectionMonitorProps extends ConnectionStatusProps {
  /** Reconnect, heartbeat, visibility and logging options (see {@link MonitorOptions}). */
  config?: MonitorOptions;
  /**
   * Show a status indicator. Default true. When false, only a hidden holder of the config is
   * rendered: the connection is still supervised (reconnects, heartbeat, state events, its id).
   */
  indicator?: boolean;
  /**
   * A path of this site that renders the monitored element's current content, fetched and swapped
   * in after a gap in its stream (see `SseElementProps.resync`, which takes precedence). Default none.
   * @throws TypeError for another origin (`https://…`, `//host`, `javascript:`), an empty string
   * or whitespace.
   */
  resync?: string;
}

/**
 * A status indicator that the page's monitor runtime (`monitor.js`, see `<SseHead>`) drives for
 * the element whose `data-sse-connection` is `connectionId`: its state (connecting, connected,
 * reconnecting, error, closed) as text and styles, with reconnects and heartbeat checks, and
 * with `resync`, the element's content fetched again after a gap. The config travels as JSON data
 * in `data-sse-monitor`; no script is rendered per connection.
 * @throws TypeError naming any invalid prop or option.
 */
export function ConnectionMonitor(props: ConnectionMonitorProps): JSX.Element {
  const { config, indicator = true, resync, ...status } = props;
  if (typeof indicator !== 'boolean')
    throw new TypeError(`indicator must be a boolean, got ${describeValue(indicator)}`);
  if (status.id !== undefined) assertElementId('id', status.id);
  const statusId = indicator ? (status.id ?? sseStatusId(status.connectionId)) : null;
  const resolved = resolveMonitorConfig(status.connectionId, config, statusId);
  const data = inlineJson({ ...resolved, resync: readResyncPath(new OptionReader('ConnectionMonitor', { resync })) });
  if (!indicator) return <div hidden {...{ [MONITOR_CONFIG_ATTRIBUTE]: data }}></div>;
  return statusContainer(status, data);
}
