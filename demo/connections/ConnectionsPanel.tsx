import type { BroadcasterStats } from '../../index';
import type { ClusterStats } from '../../redis';

/** Id of the element the connection statistics are swapped into. */
export const CONNECTIONS_PANEL_ID = 'connections-panel';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Every process's counts when the demo runs on the Redis bus (as of its last stats interval), or
 * `undefined` in memory, where this process is the whole demo.
 */
function clusterOf(stats: BroadcasterStats): ClusterStats | undefined {
  const cluster = stats.bus.cluster;
  return typeof cluster === 'object' && cluster !== null ? (cluster as ClusterStats) : undefined;
}

/** This process's name on the Redis bus, if it has one. */
function processIdOf(stats: BroadcasterStats): string | undefined {
  return typeof stats.bus.processId === 'string' ? stats.bus.processId : undefined;
}

/** Props of {@link ConnectionsPanel}. */
export interface ConnectionsPanelProps {
  stats: BroadcasterStats;
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/**
 * The registry's live counts: open streams by channel, traffic, and how streams ended. On the
 * Redis bus the open streams are every process's (the process serving this page is named), the
 * traffic this process's.
 */
export function ConnectionsPanel({ stats, oob = false }: ConnectionsPanelProps): JSX.Element {
  const cluster = clusterOf(stats);
  const processId = processIdOf(stats);
  const channels = Object.entries(cluster?.byChannel ?? stats.byChannel).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div
      id={CONNECTIONS_PANEL_ID}
      hx-swap-oob={oob ? 'true' : undefined}
      data-process={processId}
      data-processes={cluster ? String(cluster.processes.length) : undefined}
    >
      <dl class="figures">
        <div>
          <dt>{cluster ? 'Open, all processes' : 'Open'}</dt>
          <dd data-stat="open">{cluster ? cluster.connections : stats.connections}</dd>
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
      {cluster && processId ? (
        <p class="footnote">
          <span safe>{`${cluster.processes.length} processes · this page is served by `}</span>
          <code safe>{processId}</code>
          <span safe>{`, which holds ${stats.connections} of the open streams; events and bytes are its own`}</span>
        </p>
      ) : (
        ''
      )}
    </div>
  );
}
