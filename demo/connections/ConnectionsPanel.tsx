import type { BroadcasterStats } from '../../index';

/** Id of the element the connection statistics are swapped into. */
export const CONNECTIONS_PANEL_ID = 'connections-panel';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Props of {@link ConnectionsPanel}. */
export interface ConnectionsPanelProps {
  stats: BroadcasterStats;
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/** The registry's live counts: open streams by channel, traffic, and how streams ended. */
export function ConnectionsPanel({ stats, oob = false }: ConnectionsPanelProps): JSX.Element {
  const channels = Object.entries(stats.byChannel).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div id={CONNECTIONS_PANEL_ID} hx-swap-oob={oob ? 'true' : undefined}>
      <dl class="figures">
        <div>
          <dt>Open</dt>
          <dd data-stat="open">{stats.connections}</dd>
        </div>
        <div>
          <dt>Events sent</dt>
          <dd data-stat="events">{stats.eventsSent}</dd>
        </div>
        <div>
          <dt>Bytes sent</dt>
          <dd data-stat="bytes" safe>
            {formatBytes(stats.bytesSent)}
          </dd>
        </div>
        <div>
          <dt>Evictions</dt>
          <dd data-stat="evictions">{stats.evictions}</dd>
        </div>
      </dl>
      <table class="channels">
        <caption>Open streams by channel</caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col" class="number">
              Streams
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.length === 0 ? (
            <tr>
              <td colspan="2" class="empty">
                No open streams
              </td>
            </tr>
          ) : (
            channels.map(([channel, count]) => (
              <tr data-channel={channel}>
                <td>
                  <code safe>{channel}</code>
                </td>
                <td class="number">{count}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p class="footnote">
        Opened {stats.opened} · closed by client {stats.closed.client}, by server {stats.closed.server} · published{' '}
        {stats.published} · bus{' '}
        <span safe>{`${stats.bus.kind}, ${stats.bus.connected ? 'connected' : 'disconnected'}`}</span>
      </p>
    </div>
  );
}
