import { median } from './benchmarkTable';
import type { ServerKind } from './benchProtocol';
import { COMPACTION_SERVERS, compactionFigure } from './compaction';
import { AWAY_SECONDS, FIGURE_COUNT, type FigureMode } from './dashboardFigures';
import type { Measurement } from './measureScenario';

const TITLES: Partial<Record<ServerKind, string>> = { ours: 'in-memory bus', 'ours-redis': 'Redis bus' };

/** One line of the table: a figure measured in both modes. */
interface Row {
  label: string;
  figure: Parameters<typeof compactionFigure>[1];
  format(value: number): string;
  /** Whether the ratio cell also lists the ratio of each repeat (figures that vary from run to run). */
  perRepeat: boolean;
}

function digits(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const fraction = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: fraction, minimumFractionDigits: fraction });
}

const ROWS: readonly Row[] = [
  {
    label: 'Events replayed until the page is complete',
    figure: 'Events',
    format: (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a'),
    perRepeat: false,
  },
  {
    label: 'Bytes of the stream until then',
    figure: 'Bytes',
    format: (value) => `${digits(value / 1024)} KB`,
    perRepeat: false,
  },
  { label: 'Time to a complete page', figure: 'CompleteMs', format: (value) => `${digits(value)} ms`, perRepeat: true },
  { label: 'Server CPU per resume', figure: 'CpuMs', format: (value) => `${digits(value)} ms`, perRepeat: true },
];

/** The most events a keyed resume may replay: one per figure. */
const GOAL_EVENTS = FIGURE_COUNT;

/**
 * The compaction scenario's table: per bus, each figure unkeyed and keyed (the median over the
 * repeats of each run's median) and keyed ÷ unkeyed, with each repeat's ratio where runs vary;
 * last, whether keyed met the goal of issue 24.
 */
export function compactionTable(measurements: readonly Measurement[]): string {
  const servers = COMPACTION_SERVERS.filter((server) =>
    measurements.some((run) => run.scenario === 'compaction' && run.server === server),
  );
  const runsOf = (server: ServerKind): Measurement[] =>
    measurements.filter((run) => run.scenario === 'compaction' && run.server === server);
  const header = [
    `Figure (median; client away ${AWAY_SECONDS} s, ${FIGURE_COUNT} figures at 1 Hz)`,
    ...servers.flatMap((server) => [
      `${TITLES[server]}: unkeyed`,
      `${TITLES[server]}: keyed`,
      `${TITLES[server]}: keyed ÷ unkeyed`,
    ]),
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of ROWS) {
    const cells = servers.flatMap((server) => {
      const runs = runsOf(server);
      const value = (mode: FigureMode, run: Measurement): number =>
        run.figures[compactionFigure(mode, row.figure)] ?? Number.NaN;
      const unkeyed = median(runs.map((run) => value('unkeyed', run)));
      const keyed = median(runs.map((run) => value('keyed', run)));
      const ratios = runs.map((run) => value('keyed', run) / value('unkeyed', run));
      const ratio = `${digits(keyed / unkeyed)}×${row.perRepeat && runs.length > 1 ? ` (per repeat ${ratios.map(digits).join(', ')})` : ''}`;
      return [row.format(unkeyed), row.format(keyed), ratio];
    });
    lines.push(`| ${[row.label, ...cells].join(' | ')} |`);
  }
  const goal = servers.flatMap((server) => {
    const events = runsOf(server).map((run) => run.figures[compactionFigure('keyed', 'Events')] ?? Number.NaN);
    const met = events.length > 0 && events.every((count) => count <= GOAL_EVENTS);
    return ['', '', met ? 'met' : '**not met**'];
  });
  lines.push(`| Goal: keyed replays ≤ ${GOAL_EVENTS} events (every run) | ${goal.join(' | ')} |`);
  lines.push(`| Runs | ${servers.flatMap((server) => [String(runsOf(server).length), '', '']).join(' | ')} |`);
  return lines.join('\n');
}
