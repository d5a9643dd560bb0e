import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import { DashboardFeed } from '../dashboardFeed';
import type { DemoBroadcaster } from '../streamMetadata';
import { SystemMetrics } from './SystemCard';
import type { SystemSampler } from './systemSampler';

/** What {@link startSystemPublisher} needs. */
export interface SystemPublisherOptions {
  sampler: SystemSampler;
  broadcaster: DemoBroadcaster;
  /** Interval in ms. Default 1000. */
  intervalMs?: number;
}

/** The live figures as out-of-band fragments: system metrics and connection stats. */
export function liveFigures(sampler: SystemSampler, broadcaster: DemoBroadcaster): JSX.Element {
  return (
    <>
      <SystemMetrics samples={sampler.samples()} oob />
      <ConnectionsPanel stats={broadcaster.stats()} oob />
    </>
  );
}

/**
 * Samples the process and sends the live figures to this process's dashboards on an unref'd
 * timer. They go to each local stream directly rather than through a channel: they describe this
 * process only (with several processes on one bus, pages would otherwise flip between them),
 * and a stale reading is not worth keeping in history for replay. Returns a function that stops it.
 */
export function startSystemPublisher({ sampler, broadcaster, intervalMs = 1000 }: SystemPublisherOptions): () => void {
  const tick = async (): Promise<void> => {
    sampler.sample();
    const dashboards = broadcaster
      .connections()
      .filter((connection) => DashboardFeed.dialectOf(connection.channel) !== undefined);
    if (dashboards.length === 0 || broadcaster.closed) return;
    const figures = await liveFigures(sampler, broadcaster);
    await Promise.all(dashboards.map((connection) => broadcaster.sendTo(connection.id, { data: figures })));
  };
  const run = (): void => {
    tick().catch((error: unknown) => console.error('demo: sending system figures failed', error));
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
