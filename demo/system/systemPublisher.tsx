import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import { DashboardFeed } from '../dashboardFeed';
import type { DemoBroadcaster } from '../streamMetadata';
import { SYSTEM_FIGURES, SystemFigureView } from './SystemCard';
import { systemChannelOf } from './systemChannel';
import type { SystemSampler } from './systemSampler';

/** What {@link startSystemPublisher} needs. */
export interface SystemPublisherOptions {
  sampler: SystemSampler;
  broadcaster: DemoBroadcaster;
  /** Interval in ms. Default 1000. */
  intervalMs?: number;
}

/**
 * The figures of the process serving a stream, sent to that stream alone: the connections panel,
 * as an out-of-band fragment.
 */
export function streamFigures(broadcaster: DemoBroadcaster): JSX.Element {
  return <ConnectionsPanel stats={broadcaster.stats()} oob />;
}

/**
 * Samples the process every interval on an unref'd timer, then publishes each system figure as a
 * latest-value event (its key is the figure's name) on this process's system channel (see
 * `systemChannel.ts` for why a channel per process): history keeps only the latest of each, so a
 * tab that comes back is replayed the four current figures, however long it was away. The
 * connections panel goes to each of this process's dashboard streams directly: it names the
 * process serving the stream. Returns a function that stops it.
 */
export function startSystemPublisher({ sampler, broadcaster, intervalMs = 1000 }: SystemPublisherOptions): () => void {
  const channel = systemChannelOf(broadcaster);
  const tick = async (): Promise<void> => {
    sampler.sample();
    if (broadcaster.closed) return;
    const samples = sampler.samples();
    const dashboards = broadcaster
      .connections()
      .filter((connection) => DashboardFeed.dialectOf(connection.channel) !== undefined);
    const panel = dashboards.length > 0 ? await streamFigures(broadcaster) : '';
    await Promise.all([
      ...SYSTEM_FIGURES.map((figure) =>
        broadcaster.publish(channel, { key: figure, data: <SystemFigureView figure={figure} samples={samples} oob /> }),
      ),
      ...dashboards.map((connection) => broadcaster.sendTo(connection.id, { data: panel })),
    ]);
  };
  const run = (): void => {
    tick().catch((error: unknown) => console.error('demo: sending system figures failed', error));
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
