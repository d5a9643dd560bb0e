import {
  CHANNELS,
  EVENTS_PER_SECOND,
  HEARTBEAT_WAIT_LIMIT_MS,
  HELD_STREAMS,
  ROUNDS_INTERVAL_MS,
  SILENT_HOLD_MS,
  WINDOW_MS,
} from './keepAliveRounds';
import type { Measurement } from './measureScenario';

/** One line of the table: a figure of each run, and what it should reach. */
interface Row {
  label: string;
  figure: string;
  format(value: number): string;
  target?: { text: string; met(value: number, own: Record<string, number>): boolean };
}

function digits(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const fraction = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: fraction, minimumFractionDigits: fraction });
}

const whole = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const ms = (value: number): string => `${digits(value)} ms`;
const seconds = (value: number): string => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : 'n/a');
const allHeld = {
  text: 'every stream held',
  met: (value: number, own: Record<string, number>) => value >= (own.roundsStreams ?? Infinity),
};
const interval = seconds(ROUNDS_INTERVAL_MS);

const ROWS: readonly Row[] = [
  {
    label: 'Streams held, process with rounds',
    figure: 'roundsStreams',
    format: whole,
    target: { text: whole(HELD_STREAMS), met: (value) => value >= HELD_STREAMS },
  },
  {
    label: 'Streams held, quiet process',
    figure: 'quietStreams',
    format: whole,
    target: { text: whole(HELD_STREAMS), met: (value) => value >= HELD_STREAMS },
  },
  {
    label: `0 events/s: streams with a heartbeat in ${seconds(SILENT_HOLD_MS)}`,
    figure: 'silentKeptAlive',
    format: whole,
    target: allHeld,
  },
  {
    label: '0 events/s: longest a stream waited for a heartbeat',
    figure: 'silentLongestMs',
    format: seconds,
    target: { text: `≤ ${interval}`, met: (value) => value <= HEARTBEAT_WAIT_LIMIT_MS },
  },
  {
    label: `0 events/s: streams that once waited over ${seconds(HEARTBEAT_WAIT_LIMIT_MS)}`,
    figure: 'silentOverLimit',
    format: whole,
    target: { text: '0', met: (value) => value === 0 },
  },
  {
    label: `${EVENTS_PER_SECOND} events/s: streams with a heartbeat (carried) in ${seconds(WINDOW_MS)}`,
    figure: 'busyKeptAlive',
    format: whole,
    target: allHeld,
  },
  {
    label: `${EVENTS_PER_SECOND} events/s: longest a stream waited for a heartbeat`,
    figure: 'busyLongestMs',
    format: seconds,
  },
  { label: 'Live p50 (100 probe streams), quiet', figure: 'quietP50Ms', format: ms },
  { label: 'Live p50 during rounds', figure: 'roundsP50Ms', format: ms },
  { label: 'Live p99, quiet', figure: 'quietP99Ms', format: ms },
  { label: 'Live p99 during rounds', figure: 'roundsP99Ms', format: ms },
  { label: 'Live max, quiet', figure: 'quietMaxMs', format: ms },
  { label: 'Live max during rounds', figure: 'roundsMaxMs', format: ms },
  {
    label: 'Live p99 during rounds ÷ quiet',
    figure: 'p99Ratio',
    format: (value) => `${digits(value)}×`,
    target: { text: '≤ 1.2×', met: (value) => value <= 1.2 },
  },
  { label: `Server CPU in the ${seconds(WINDOW_MS)} window, quiet`, figure: 'quietServerCpuMs', format: ms },
  { label: 'Server CPU in the window, with rounds', figure: 'roundsServerCpuMs', format: ms },
  { label: 'Load generator CPU in the window, quiet', figure: 'quietLoadCpuMs', format: ms },
  { label: 'Load generator CPU in the window, with rounds', figure: 'roundsLoadCpuMs', format: ms },
];

function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The keepalive table: one column per run and their median, the target, and whether each run met it.
 * Its first line says what the runs held and published.
 */
export function keepAliveRoundsTable(measurements: readonly Measurement[]): string {
  const runs = measurements.filter((measurement) => measurement.scenario === 'keepalive');
  const header = ['Figure', ...runs.map((_, index) => `Run ${index + 1}`), 'Median', 'Target', 'Met (each run)'];
  const lines = [
    `${whole(HELD_STREAMS)} streams on ${CHANNELS} channels and 100 probe streams on all of them; ${EVENTS_PER_SECOND} events/s round the channels (each held stream one every ${seconds((1000 * CHANNELS) / EVENTS_PER_SECOND)}); rounds every ${interval}, quiet: 1 h.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  for (const row of ROWS) {
    const values = runs.map((run) => run.figures[row.figure] ?? Number.NaN);
    const met = row.target
      ? runs
          .map((run, index) =>
            Number.isFinite(values[index]!) ? (row.target!.met(values[index]!, run.figures) ? 'yes' : '**no**') : 'n/a',
          )
          .join(' / ')
      : '';
    lines.push(
      `| ${[row.label, ...values.map(row.format), row.format(median(values)), row.target?.text ?? '', met].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
