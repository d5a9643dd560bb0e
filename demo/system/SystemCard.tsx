import { Sparkline } from './Sparkline';
import type { SystemSample } from './systemSampler';

/** Id of the element the live system figures are swapped into. */
export const SYSTEM_METRICS_ID = 'system-metrics';

const MiB = 1024 * 1024;

interface MetricProps {
  name: string;
  value: string;
  unit: string;
  values: number[];
  floor: number;
  /** Bottom of the sparkline's scale. Default 0. */
  min?: number;
  testId: string;
}

function Metric({ name, value, unit, values, floor, min, testId }: MetricProps): JSX.Element {
  return (
    <div class="metric" data-metric={testId}>
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

/** Props of {@link SystemMetrics}. */
export interface SystemMetricsProps {
  samples: readonly SystemSample[];
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/** The four live figures of the server process, each with its sparkline. */
export function SystemMetrics({ samples, oob = false }: SystemMetricsProps): JSX.Element {
  const latest = samples.at(-1);
  const series = (pick: (sample: SystemSample) => number): number[] => samples.map(pick);
  const memory = series((s) => s.rssBytes / MiB);
  // Memory moves by a few MiB around a large base: scaled from zero it would be a flat line.
  const memoryBase = memory.length > 0 ? Math.max(0, Math.min(...memory) - 4) : 0;
  return (
    <div id={SYSTEM_METRICS_ID} class="metrics" hx-swap-oob={oob ? 'true' : undefined}>
      <Metric
        name="CPU"
        testId="cpu"
        value={latest ? latest.cpuPercent.toFixed(1) : '–'}
        unit="%"
        values={series((s) => s.cpuPercent)}
        floor={10}
      />
      <Metric
        name="Memory (RSS)"
        testId="memory"
        value={latest ? (latest.rssBytes / MiB).toFixed(1) : '–'}
        unit="MiB"
        values={memory}
        min={memoryBase}
        floor={8}
      />
      <Metric
        name="Event-loop delay p99"
        testId="loop-delay"
        value={latest ? latest.loopDelayMs.toFixed(1) : '–'}
        unit="ms"
        values={series((s) => s.loopDelayMs)}
        floor={20}
      />
      <Metric
        name="Open SSE connections"
        testId="connections"
        value={latest ? String(latest.connections) : '–'}
        unit=""
        values={series((s) => s.connections)}
        floor={4}
      />
    </div>
  );
}
