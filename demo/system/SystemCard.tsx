import { Sparkline } from './Sparkline';
import type { SystemSample } from './systemSampler';

/** Id of the element that holds the live system figures (each swapped into its own, {@link systemFigureId}). */
export const SYSTEM_METRICS_ID = 'system-metrics';

const MiB = 1024 * 1024;

/**
 * The card's figures. Each is its own element and, live, its own latest-value event (its name is
 * the key), so a tab that comes back is replayed one event per figure.
 */
export const SYSTEM_FIGURES = ['cpu', 'memory', 'loop-delay', 'connections'] as const;

/** One figure of the card. */
export type SystemFigure = (typeof SYSTEM_FIGURES)[number];

/** Id of the element `figure` is swapped into. */
export function systemFigureId(figure: SystemFigure): string {
  return `system-${figure}`;
}

interface MetricProps {
  name: string;
  value: string;
  unit: string;
  values: number[];
  floor: number;
  /** Bottom of the sparkline's scale. Default 0. */
  min?: number;
  figure: SystemFigure;
  /** When the latest sample was taken (ms since the epoch), if there is one. */
  sampledAt: number | undefined;
  oob: boolean;
}

function Metric({ name, value, unit, values, floor, min, figure, sampledAt, oob }: MetricProps): JSX.Element {
  return (
    <div
      id={systemFigureId(figure)}
      class="metric"
      data-metric={figure}
      data-sampled-at={sampledAt}
      hx-swap-oob={oob ? 'true' : undefined}
    >
      <div class="metric-name" safe>
        {name}
      </div>
      <div class="metric-value">
        <span class="metric-number" safe>
          {value}
        </span>
        <span class="metric-unit" safe>
          {unit}
        </span>
      </div>
      <Sparkline values={values} floor={floor} min={min} label={`${name}, last ${values.length} seconds`} />
    </div>
  );
}

/** Props of {@link SystemFigureView}. */
export interface SystemFigureProps {
  figure: SystemFigure;
  samples: readonly SystemSample[];
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/** One live figure of the server process, with its sparkline. */
export function SystemFigureView({ figure, samples, oob = false }: SystemFigureProps): JSX.Element {
  const latest = samples.at(-1);
  const series = (pick: (sample: SystemSample) => number): number[] => samples.map(pick);
  const shown = (format: (sample: SystemSample) => string): string => (latest ? format(latest) : '–');
  const common = { figure, sampledAt: latest?.at, oob };
  switch (figure) {
    case 'cpu':
      return (
        <Metric
          {...common}
          name="CPU"
          value={shown((s) => s.cpuPercent.toFixed(1))}
          unit="%"
          values={series((s) => s.cpuPercent)}
          floor={10}
        />
      );
    case 'memory': {
      const memory = series((s) => s.rssBytes / MiB);
      // Memory moves by a few MiB around a large base: scaled from zero it would be a flat line.
      const memoryBase = memory.length > 0 ? Math.max(0, Math.min(...memory) - 4) : 0;
      return (
        <Metric
          {...common}
          name="Memory (RSS)"
          value={shown((s) => (s.rssBytes / MiB).toFixed(1))}
          unit="MiB"
          values={memory}
          min={memoryBase}
          floor={8}
        />
      );
    }
    case 'loop-delay':
      return (
        <Metric
          {...common}
          name="Event-loop delay p99"
          value={shown((s) => s.loopDelayMs.toFixed(1))}
          unit="ms"
          values={series((s) => s.loopDelayMs)}
          floor={20}
        />
      );
    case 'connections':
      return (
        <Metric
          {...common}
          name="Open SSE connections"
          value={shown((s) => String(s.connections))}
          unit=""
          values={series((s) => s.connections)}
          floor={4}
        />
      );
  }
}

/** Props of {@link SystemMetrics}. */
export interface SystemMetricsProps {
  samples: readonly SystemSample[];
}

/** The four live figures of the server process, as the page renders them. */
export function SystemMetrics({ samples }: SystemMetricsProps): JSX.Element {
  return (
    <div id={SYSTEM_METRICS_ID} class="metrics">
      {SYSTEM_FIGURES.map((figure) => (
        <SystemFigureView figure={figure} samples={samples} />
      ))}
    </div>
  );
}
