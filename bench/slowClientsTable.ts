import { median } from './benchmarkTable';
import { FIGURE_COUNT, FIGURE_MODES } from './dashboardFigures';
import type { Measurement } from './measureScenario';
import {
  PUBLISHED_SECONDS,
  READING_PAGES,
  type SlowClientsFigure,
  STALLED_PAGES,
  slowClientsFigure,
} from './slowClients';

function digits(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const fraction = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: fraction, minimumFractionDigits: fraction });
}

const count = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const kilobytes = (value: number): string => (Number.isFinite(value) ? `${digits(value / 1024)} KB` : 'n/a');
const ms = (value: number): string => (Number.isFinite(value) ? `${digits(value)} ms` : 'n/a');

const ROWS: readonly { label: string; figure: SlowClientsFigure; format(value: number): string }[] = [
  { label: `Stalled pages evicted (of ${STALLED_PAGES})`, figure: 'StalledEvicted', format: count },
  {
    label: '… of which came back to a gap (what they missed had left history: only a reload completes them)',
    figure: 'StalledGaps',
    format: count,
  },
  { label: `Reading pages evicted (of ${READING_PAGES})`, figure: 'ReadingEvicted', format: count },
  {
    label: 'Server CPU per figure delivered to a reading page',
    figure: 'CpuNsPerEvent',
    format: (v) => (Number.isFinite(v) ? `${digits(v)} ns` : 'n/a'),
  },
  {
    label: `Figures a reading page received (of ${count((PUBLISHED_SECONDS + 1) * FIGURE_COUNT)})`,
    figure: 'ReadingEvents',
    format: count,
  },
  {
    label: 'A stalled page, once it reads again: bytes until every figure is current (median of those that got there)',
    figure: 'StalledBytes',
    format: kilobytes,
  },
  { label: '… and the time that takes (median, loopback)', figure: 'StalledMs', format: ms },
];

/** The slow-client scenario's table: each figure unkeyed and keyed, the median over the runs, and each run's value. */
export function slowClientsTable(measurements: readonly Measurement[]): string {
  const runs = measurements.filter((run) => run.scenario === 'slowclients');
  const lines = ['| Figure | unkeyed | keyed | per run (unkeyed; keyed) |', '|---|---|---|---|'];
  for (const row of ROWS) {
    const values = FIGURE_MODES.map((mode) =>
      runs.map((run) => run.figures[slowClientsFigure(mode, row.figure)] ?? Number.NaN),
    );
    const perRun = values.map((modeValues) => modeValues.map(row.format).join(', ')).join('; ');
    lines.push(
      `| ${row.label} | ${values.map((modeValues) => row.format(median(modeValues))).join(' | ')} | ${perRun} |`,
    );
  }
  return lines.join('\n');
}
