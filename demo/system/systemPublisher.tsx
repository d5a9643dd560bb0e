import type { Broadcaster } from '../../index';
import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import type { DashboardFeed } from '../dashboardFeed';
import { SystemMetrics } from './SystemCard';
import type { SystemSampler } from './systemSampler';

/** What {@link startSystemPublisher} needs. */
export interface SystemPublisherOptions {
  sampler: SystemSampler;
  broadcaster: Broadcaster<unknown>;
  feed: DashboardFeed;
  /** Interval in ms. Default 1000. */
  intervalMs?: number;
}

/** The live figures as out-of-band fragments: system metrics and connection stats. */
export function liveFigures(sampler: SystemSampler, broadcaster: Broadcaster<unknown>): JSX.Element {
  return (
    <>
      <SystemMetrics samples={sampler.samples()} oob />
      <ConnectionsPanel stats={broadcaster.stats()} oob />
    </>
  );
}

/**
 * Samples the process and publishes the live figures to every dashboard on an unref'd timer.
 * Returns a function that stops it.
 */
export function startSystemPublisher({ sampler, broadcaster, feed, intervalMs = 1000 }: SystemPublisherOptions): () => void {
  const tick = (): void => {
    sampler.sample();
    if (broadcaster.closed) return;
    const figures = liveFigures(sampler, broadcaster);
    void feed.publish(() => figures).catch((error: unknown) => console.error('demo: publishing system figures failed', error));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
