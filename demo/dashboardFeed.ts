import type { Dialect } from '../index';
import type { LiveStreamTimings } from './page/LiveStream';
import type { PageContext } from './page/pageContext';
import type { DemoBroadcaster } from './streamMetadata';

export type { Dialect };

/** Every dialect, in the order the switch shows them. */
export const DIALECTS: readonly Dialect[] = ['htmx2', 'htmx4'];

/** Reads a dialect from a query value or setting; anything else is `undefined`. */
export function parseDialect(value: unknown): Dialect | undefined {
  return DIALECTS.find((dialect) => dialect === value);
}

/**
 * The page-wide stream of the dashboard, one channel per dialect: fragments that carry SSE
 * elements (a new job row) differ by dialect, and each channel's history must replay fragments
 * its pages can use.
 */
export class DashboardFeed {
  readonly #broadcaster: DemoBroadcaster;
  readonly #timings: LiveStreamTimings;

  /**
   * @param broadcaster - where the fragments are published.
   * @param timings - monitor timings of the streams in rendered fragments.
   */
  constructor(broadcaster: DemoBroadcaster, timings: LiveStreamTimings) {
    this.#broadcaster = broadcaster;
    this.#timings = timings;
  }

  /** What a page of `dialect` is rendered with. */
  contextFor(dialect: Dialect): PageContext {
    return { dialect, timings: this.#timings };
  }

  /** The channel pages of `dialect` listen to. */
  static channelFor(dialect: Dialect): string {
    return `dashboard-${dialect}`;
  }

  /**
   * What a dashboard page of `dialect` fetches after a gap in its stream (`resync`): the parts the
   * stream keeps up to date, as they are now.
   */
  static resyncPathFor(dialect: Dialect): string {
    return `/dashboard/state?dialect=${dialect}`;
  }

  /** The dialect of a dashboard channel, or `undefined` for any other channel. */
  static dialectOf(channel: string): Dialect | undefined {
    return channel.startsWith('dashboard-') ? parseDialect(channel.slice('dashboard-'.length)) : undefined;
  }

  /** Publishes one message per dialect, rendered for it, to every tab but the `exclude`d connections. */
  async publish(render: (context: PageContext) => JSX.Element, exclude: readonly string[] = []): Promise<void> {
    await Promise.all(
      DIALECTS.map((dialect) =>
        this.#broadcaster.publish(
          DashboardFeed.channelFor(dialect),
          { data: render(this.contextFor(dialect)) },
          { exclude },
        ),
      ),
    );
  }
}
