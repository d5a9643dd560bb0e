/**
 * Prometheus metrics of one broadcaster, through `prom-client` (an optional peer dependency,
 * loaded only by the `express-htmx-sse/metrics` entry point). Values are read from
 * `broadcaster.stats()` when the registry is scraped, so the delivery path pays nothing for them;
 * only replays, which `stats()` does not count, are counted from the broadcaster's `replay` event.
 */
import { Counter, Gauge, type Registry, register } from 'prom-client';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { BroadcasterStats, ReplayOutcome } from '../broadcast/broadcasterReports';
import type { CloseReason } from '../broadcast/eventStreamWriter';
import { OptionReader } from '../validation/optionReader';

/** Options of {@link registerSseMetrics}. */
export interface SseMetricsOptions {
  /** The registry the metrics join. Default: prom-client's global `register`. */
  registry?: Registry;
  /** Prefix of every metric name. Default `sse_`. */
  prefix?: string;
  /**
   * Also break open streams down by channel (`{prefix}streams_open_by_channel{channel}`). Off by
   * default: one time series per channel can be a great many; turn it on only for a bounded set.
   */
  channelLabel?: boolean;
}

/** The registered metrics, to take them out of the registry again. */
export interface SseMetrics {
  /** Removes every metric from the registry and stops listening to the broadcaster. */
  unregister(): void;
}

const METRIC_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const CLOSE_REASONS: readonly CloseReason[] = ['client', 'evicted', 'server'];

/** A counter whose value is a running total read from the stats at scrape time. */
function totalCounter(
  registry: Registry,
  name: string,
  help: string,
  stats: () => BroadcasterStats,
  total: (stats: BroadcasterStats) => number,
): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total(stats()));
    },
  });
}

/**
 * Registers a broadcaster's metrics in a prom-client registry: open streams, streams opened and
 * closed (by reason), events published, superseded (by a keyed event), delivered and dropped, bytes sent, evictions, replays
 * (with the events they sent from history and the gap events), and whether the bus is connected.
 * Counters are this process's totals since the broadcaster was created.
 * @throws TypeError naming a bad option; prom-client's error when the names are already registered.
 */
export function registerSseMetrics<M>(broadcaster: Broadcaster<M>, options: SseMetricsOptions = {}): SseMetrics {
  const read = new OptionReader<SseMetricsOptions>('registerSseMetrics', options);
  const registry = read.raw('registry') ?? register;
  if (typeof registry?.registerMetric !== 'function') throw read.error('registry', 'a prom-client Registry', registry);
  const prefix = read.string('prefix', 'sse_', METRIC_PREFIX, 'a Prometheus metric name prefix');
  const channelLabel = read.boolean('channelLabel', false);
  const stats = () => broadcaster.stats();
  const names: string[] = [];
  const named = (name: string): string => {
    names.push(`${prefix}${name}`);
    return `${prefix}${name}`;
  };

  new Gauge({
    name: named('streams_open'),
    help: 'Event streams open now in this process.',
    registers: [registry],
    collect() {
      this.set(stats().connections);
    },
  });
  if (channelLabel) {
    new Gauge({
      name: named('streams_open_by_channel'),
      help: 'Event streams open now in this process, by channel.',
      labelNames: ['channel'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [channel, count] of Object.entries(stats().byChannel)) this.set({ channel }, count);
      },
    });
  }
  totalCounter(registry, named('streams_opened_total'), 'Event streams opened.', stats, (s) => s.opened);
  new Counter({
    name: named('streams_closed_total'),
    help: 'Event streams closed, by reason: client (it left), evicted (it would not read), server.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const { closed } = stats();
      this.reset();
      for (const reason of CLOSE_REASONS) this.inc({ reason }, closed[reason]);
    },
  });
  totalCounter(registry, named('events_published_total'), 'Events published.', stats, (s) => s.published);
  totalCounter(
    registry,
    named('events_superseded_total'),
    'Keyed events published that superseded the event of their key in history.',
    stats,
    (s) => s.superseded,
  );
  totalCounter(
    registry,
    named('events_delivered_total'),
    'Frames written to streams (events, replays, gaps, notices, opening frames, heartbeats, closes).',
    stats,
    (s) => s.eventsSent,
  );
  totalCounter(
    registry,
    named('events_dropped_total'),
    'Events not written (stream evicted or closed).',
    stats,
    (s) => s.droppedEvents,
  );
  totalCounter(registry, named('bytes_sent_total'), 'Bytes written to streams.', stats, (s) => s.bytesSent);
  totalCounter(registry, named('evictions_total'), 'Streams evicted for not reading.', stats, (s) => s.evictions);

  const replays = new Counter({
    name: named('replays_total'),
    help: 'Last-Event-ID cursors answered (streams that came back with a cursor).',
    registers: [registry],
  });
  const gaps = new Counter({
    name: named('replay_gaps_total'),
    help: 'Gap events sent: a channel whose events after the cursor were no longer in history.',
    registers: [registry],
  });
  const replayedEvents = new Counter({
    name: named('replayed_events_total'),
    help: 'Events sent to reconnecting streams from history.',
    registers: [registry],
  });
  const onReplay = (_connection: unknown, outcome: ReplayOutcome): void => {
    replays.inc();
    gaps.inc(outcome.gaps);
    replayedEvents.inc(outcome.replayed);
  };
  broadcaster.on('replay', onReplay);

  new Gauge({
    name: named('bus_connected'),
    help: 'Whether the bus can publish (1) or not (0), labelled with its kind (memory, redis).',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const { bus } = stats();
      this.reset();
      this.set({ kind: bus.kind }, bus.connected ? 1 : 0);
    },
  });

  return {
    unregister() {
      broadcaster.off('replay', onReplay);
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
