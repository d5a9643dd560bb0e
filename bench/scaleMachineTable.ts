import type { Measurement } from './measureScenario';
import { BASELINE_STREAMS, MACHINE_STEPS } from './scaleMachine';
import { digits, kilobytes, ms, whole } from './tableFormat';

const bytes = (value: number): string => `${whole(value)} B`;
const ns = (value: number): string => `${whole(value)} ns`;

/** One line of the table: a figure at each step of the Redis run and in the baseline. */
interface Row {
  label: string;
  /** The figure's name after its step (`<streams>:` is put in front). */
  figure: string;
  format(value: number): string;
  /** Whether the last column divides the Redis run at 100,000 by the baseline. */
  ratio: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'Streams reached', figure: 'streams', format: whole, ratio: false },
  { label: 'Streams the servers registered', figure: 'registered', format: whole, ratio: false },
  {
    label: 'Connect rate (this step)',
    figure: 'connectPerSecond',
    format: (value) => `${whole(value)} /s`,
    ratio: true,
  },
  { label: 'JS heap per stream, all processes', figure: 'heapPerStream', format: kilobytes, ratio: true },
  { label: 'JS heap per stream, the process with most', figure: 'heapPerStreamMax', format: kilobytes, ratio: true },
  { label: 'RSS per stream, all processes', figure: 'rssPerStream', format: kilobytes, ratio: true },
  { label: 'RSS per stream, the process with most', figure: 'rssPerStreamMax', format: kilobytes, ratio: true },
  { label: 'One event to every stream, p50 of 20 (one by one)', figure: 'one:p50', format: ms, ratio: true },
  { label: 'One event to every stream, p99 of 20 (one by one)', figure: 'one:p99', format: ms, ratio: true },
  { label: 'Streams that had all 20', figure: 'one:complete', format: whole, ratio: false },
  {
    label: 'Each event to every stream from when it was due, p50 of 20 at 20 events/s',
    figure: 'rate:p50',
    format: ms,
    ratio: true,
  },
  {
    label: 'Each event to every stream from when it was due, p99 of 20 at 20 events/s',
    figure: 'rate:p99',
    format: ms,
    ratio: true,
  },
  {
    label: 'Time the first process took to publish the 20 at 20 events/s (on schedule: 1,000 ms)',
    figure: 'rate:publishMs',
    format: ms,
    ratio: true,
  },
  { label: 'Streams that had all 20 at 20 events/s', figure: 'rate:complete', format: whole, ratio: false },
  {
    label: 'Server CPU per delivered event, all processes (one by one)',
    figure: 'one:serverCpuNsPerDelivery',
    format: ns,
    ratio: true,
  },
  {
    label: 'Load generator CPU per delivered event, all processes (one by one)',
    figure: 'one:loadCpuNsPerDelivery',
    format: ns,
    ratio: true,
  },
  {
    label: 'Server CPU per delivered event at 20 events/s',
    figure: 'rate:serverCpuNsPerDelivery',
    format: ns,
    ratio: true,
  },
  {
    label: "Redis's CPU with nothing published (% of a core; taken out of the rows below)",
    figure: 'redisIdleCpuPercent',
    format: (value) => `${digits(value)} %`,
    ratio: false,
  },
  {
    label: "Redis's CPU per event (one by one)",
    figure: 'one:redisCpuUsPerEvent',
    format: (value) => `${digits(value)} µs`,
    ratio: false,
  },
  {
    label: "Redis's CPU per event at 20 events/s",
    figure: 'rate:redisCpuUsPerEvent',
    format: (value) => `${digits(value)} µs`,
    ratio: false,
  },
  { label: 'Bytes into Redis per event', figure: 'one:redisBytesInPerEvent', format: bytes, ratio: false },
  { label: 'Bytes out of Redis per event', figure: 'one:redisBytesOutPerEvent', format: bytes, ratio: false },
];

function find(measurements: readonly Measurement[], server: string): Measurement | undefined {
  return measurements.find((measurement) => measurement.scenario === 'scalemachine' && measurement.server === server);
}

/**
 * The scalemachine table: one column per step of the Redis run, the in-memory baseline, and the
 * Redis run at 100,000 divided by the baseline; then the 60 s hold and each process's memory.
 */
export function scaleMachineTable(measurements: readonly Measurement[]): string {
  const redis = find(measurements, 'ours-redis')?.figures ?? {};
  const memory = find(measurements, 'ours')?.figures ?? {};
  const processes = redis.processes ?? Number.NaN;
  const last = MACHINE_STEPS[MACHINE_STEPS.length - 1]!;
  const header = [
    'Figure',
    ...MACHINE_STEPS.map((step) => `Redis, ${whole(processes)} processes: ${whole(step)}`),
    `In-memory, 1 process: ${whole(BASELINE_STREAMS)}`,
    `Redis at ${whole(last)} ÷ in-memory`,
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of ROWS) {
    const atStep = (step: number): number => redis[`${step}:${row.figure}`] ?? Number.NaN;
    const base = memory[`${BASELINE_STREAMS}:${row.figure}`] ?? Number.NaN;
    const ratio = atStep(last) / base;
    const cell = (value: number): string => (Number.isFinite(value) ? row.format(value) : 'n/a');
    lines.push(
      `| ${[
        row.label,
        ...MACHINE_STEPS.map((step) => cell(atStep(step))),
        cell(base),
        row.ratio && Number.isFinite(ratio) ? `${digits(ratio)}×` : '',
      ].join(' | ')} |`,
    );
  }
  const held = redis[`${last}:held`];
  const keptAlive = redis[`${last}:keptAlive`];
  const perProcess = (name: string): string =>
    Array.from({ length: Number.isFinite(processes) ? processes : 0 }, (_, index) =>
      kilobytes(redis[`${last}:${name}:${index}`] ?? Number.NaN),
    ).join(', ');
  return [
    ...lines,
    '',
    `Held idle for 60 s at ${whole(last)}: ${whole(held ?? Number.NaN)} streams stayed open, ${whole(keptAlive ?? Number.NaN)} had a keep-alive meanwhile.`,
    `Per process at ${whole(last)}, JS heap per stream: ${perProcess('heapPerStream')}; RSS per stream: ${perProcess('rssPerStream')}.`,
  ].join('\n');
}
