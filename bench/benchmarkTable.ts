import type { ServerKind } from './benchProtocol';
import type { Measurement } from './measureScenario';
import type { ScenarioName } from './scenarios';

/** A target for ours, as a ratio to another server's median (or an exact count). */
interface Target {
  text: string;
  met(value: number, medianOf: (server: ServerKind) => number): boolean;
}

/** One line of the table: a figure of a scenario. */
interface Row {
  scenario: ScenarioName;
  figure: string;
  label: string;
  format(value: number): string;
  /** The target of ours (and of the Redis bus, unless it has its own). */
  target?: Target;
  /** The Redis bus's own target (issue 16: near the in-memory bus), in place of `target`. */
  redisTarget?: Target;
}

const SERVER_TITLES: Record<ServerKind, string> = {
  raw: 'raw node:http',
  'raw-express': 'raw Express',
  ours: 'ours (Express)',
  'ours-node-http': 'ours (node:http)',
  'ours-redis': 'ours (Express, Redis bus)',
  'better-sse': 'better-sse (Express)',
  'sse-channel': 'sse-channel (node:http)',
  'views-broadcast': 'ours, rendered once for everyone',
  'views-audiences': 'ours, a view per audience',
  'views-per-stream': 'ours, a view per stream',
};

/** Which of ours the "× ours" ratios and the targets refer to first. */
const OURS: ServerKind = 'ours';
/** How a cell names the servers it gives ratios to. */
const RATIO_LABELS: Partial<Record<ServerKind, string>> = { raw: 'raw', 'raw-express': 'raw Express', ours: 'ours' };
/** Servers on Express, whose cells also show their ratio to Express alone (`raw Express`). */
const ON_EXPRESS: ReadonlySet<ServerKind> = new Set(['ours', 'ours-redis', 'better-sse']);
const OURS_VARIANTS: readonly ServerKind[] = ['ours', 'ours-node-http', 'ours-redis'];

function significant(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const ns = (value: number): string => `${significant(value)} ns`;
const ms = (value: number): string => `${significant(value)} ms`;
const kilobytes = (value: number): string => `${significant(value / 1024)} KB`;
const perSecond = (value: number): string => `${significant(value / 1000)} k/s`;
const count = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

/** A comparison with a server that did not run counts as met: only measured misses are flagged. */
function atMost(ratio: number, of: ServerKind): Target {
  return {
    text: `≤ ${ratio}× ${of}`,
    met: (value, medianOf) => !Number.isFinite(medianOf(of)) || value <= ratio * medianOf(of),
  };
}

function atLeast(ratio: number, of: ServerKind): Target {
  return {
    text: `≥ ${ratio}× ${of}`,
    met: (value, medianOf) => !Number.isFinite(medianOf(of)) || value >= ratio * medianOf(of),
  };
}

function both(first: Target, second: Target): Target {
  return {
    text: `${first.text}, ${second.text}`,
    met: (value, medianOf) => first.met(value, medianOf) && second.met(value, medianOf),
  };
}

const ROWS: readonly Row[] = [
  {
    scenario: 'throughput',
    figure: 'cpuNsPerEvent',
    label: '1. Throughput: server CPU per delivered event',
    format: ns,
    target: both(atMost(1.1, 'raw'), atMost(0.4, 'better-sse')),
    redisTarget: atMost(1.25, 'ours'),
  },
  {
    scenario: 'throughput',
    figure: 'eventsPerSecond',
    label: '1. Throughput: delivered events/s (1,000 clients)',
    format: perSecond,
    target: { text: '≥ 0.9× raw', met: (value, medianOf) => value >= 0.9 * medianOf('raw') },
    redisTarget: atLeast(0.8, 'ours'),
  },
  { scenario: 'latency', figure: 'p50Ms', label: '2. Latency p50 (1,000 clients × 100 events/s)', format: ms },
  { scenario: 'latency', figure: 'p99Ms', label: '2. Latency p99', format: ms, target: atMost(1.2, 'raw') },
  { scenario: 'latency', figure: 'maxMs', label: '2. Latency max', format: ms },
  { scenario: 'latency', figure: 'cpuNsPerEvent', label: '2. Latency run: server CPU per delivered event', format: ns },
  {
    scenario: 'memory',
    figure: 'heapPerConnection',
    label: '3. JS heap per idle connection (5,000)',
    format: kilobytes,
    target: atMost(1.25, 'raw'),
  },
  {
    scenario: 'memory',
    figure: 'rssPerConnection',
    label: '3. RSS per idle connection (5,000)',
    format: kilobytes,
    target: atMost(1.25, 'raw'),
  },
  {
    scenario: 'scale',
    figure: 'held',
    label: '4. Connections held with keep-alives (of 10,000)',
    format: count,
    target: { text: 'all 10,000', met: (value) => value >= 10_000 },
  },
  {
    scenario: 'scale',
    figure: 'fanOutMs',
    label: '4. One 1 KB event fanned out to 10,000',
    format: ms,
    target: atMost(1.2, 'raw'),
  },
  {
    scenario: 'html',
    figure: 'cpuNsPerEvent',
    label: '5. HTML 2 KB: server CPU per delivered event',
    format: ns,
    target: atMost(1.1, 'raw'),
  },
  { scenario: 'html', figure: 'eventsPerSecond', label: '5. HTML 2 KB: delivered events/s', format: perSecond },
];

/** The median of the finite values (NaN when there is none). */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians per scenario, server and figure, and how many runs each rests on. */
export class BenchmarkResults {
  readonly #measurements: readonly Measurement[];

  /** @param measurements - every run of the bench. */
  constructor(measurements: readonly Measurement[]) {
    this.#measurements = measurements;
  }

  /** The median of a figure over the runs of one scenario on one server. */
  median(scenario: ScenarioName, server: ServerKind, figure: string): number {
    return median(this.#runs(scenario, server).map((run) => run.figures[figure] ?? Number.NaN));
  }

  /** Runs of one scenario on one server. */
  #runs(scenario: ScenarioName, server: ServerKind): Measurement[] {
    return this.#measurements.filter((run) => run.scenario === scenario && run.server === server);
  }

  /** The Markdown table: medians, ratios to raw and to ours, targets for ours. */
  table(servers: readonly ServerKind[]): string {
    const header = [
      'Scenario / figure (median)',
      ...servers.map((server) => SERVER_TITLES[server]),
      'Target for ours',
      `Met: ${OURS_VARIANTS.filter((server) => servers.includes(server))
        .map((server) => SERVER_TITLES[server])
        .join(' / ')}`,
    ];
    const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
    for (const row of ROWS) {
      const medianOf = (server: ServerKind): number => this.median(row.scenario, server, row.figure);
      const cells = servers.map((server) => this.#cell(row, server, medianOf));
      const met = row.target
        ? OURS_VARIANTS.filter((server) => servers.includes(server))
            .map((server) => {
              const target = (server === 'ours-redis' ? row.redisTarget : undefined) ?? row.target!;
              if (!Number.isFinite(medianOf(server))) return 'n/a';
              return target.met(medianOf(server), medianOf) ? 'yes' : '**no**';
            })
            .join(' / ')
        : '';
      const target =
        row.redisTarget && servers.includes('ours-redis')
          ? `${row.target?.text}; Redis bus: ${row.redisTarget.text}`
          : (row.target?.text ?? '');
      lines.push(`| ${[row.label, ...cells, target, met].join(' | ')} |`);
    }
    lines.push(
      `| Runs (fewest repeats of a scenario); events lost, duplicated or garbled in all runs | ${servers.map((server) => this.#tally(server)).join(' | ')} | 0 lost | |`,
    );
    return lines.join('\n');
  }

  /** Problems seen, one line each, for the report under the table. */
  problems(): string[] {
    return this.#measurements.flatMap((run) =>
      run.problems.map((problem) => `${run.scenario} / ${run.server}: ${problem}`),
    );
  }

  #cell(row: Row, server: ServerKind, medianOf: (server: ServerKind) => number): string {
    const value = medianOf(server);
    if (!Number.isFinite(value)) return 'n/a';
    const ratios: string[] = [];
    const references: ServerKind[] = ON_EXPRESS.has(server) ? ['raw', 'raw-express', OURS] : ['raw', OURS];
    for (const reference of references) {
      const base = medianOf(reference);
      if (server !== reference && server !== 'raw' && row.figure !== 'held' && Number.isFinite(base))
        ratios.push(`${significant(value / base)}× ${RATIO_LABELS[reference]}`);
    }
    return [row.format(value), ...ratios].join('<br>');
  }

  #tally(server: ServerKind): string {
    const runs = this.#measurements.filter((run) => run.server === server);
    const perScenario = (['throughput', 'latency', 'memory', 'scale', 'html'] as const)
      .map((scenario) => this.#runs(scenario, server).length)
      .filter((runs) => runs > 0);
    const repeats = perScenario.length > 0 ? Math.min(...perScenario) : 0;
    const faults = runs.reduce((sum, run) => sum + (run.figures.faults ?? 0), 0);
    return `${runs.length} (×${repeats}), ${count(faults)}`;
  }
}
