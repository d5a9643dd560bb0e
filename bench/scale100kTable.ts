import type { ServerKind } from './benchProtocol';
import type { Measurement } from './measureScenario';
import { SCALE_SERVERS, STEPS, TARGET_STREAMS } from './scale100k';
import { digits, kilobytes, ms, whole } from './tableFormat';

const TITLES: Partial<Record<ServerKind, string>> = {
  raw: 'raw node:http',
  ours: 'ours (Express)',
  'ours-node-http': 'ours (node:http)',
};

/** One line of the table. */
interface Row {
  label(run: (server: ServerKind) => Measurement | undefined): string;
  figure: string;
  format(value: number): string;
  /** What ours should reach, against raw or its own other figures (none: no target). */
  target?: { text: string; met(value: number, raw: number, own: Record<string, number>): boolean };
  /** Whether the cells give ratios to raw. */
  ratio: boolean;
}

const atMost = (ratio: number) => ({
  text: `≤ ${ratio}× raw`,
  met: (value: number, raw: number) => value <= ratio * raw,
});

function streamsAt(step: number) {
  return (run: (server: ServerKind) => Measurement | undefined): string =>
    whole(run('raw')?.figures[`streamsAt${step * 100}`] ?? Number.NaN);
}

const ROWS: readonly Row[] = [
  {
    label: () => `Streams held open (aimed at ${whole(TARGET_STREAMS)})`,
    figure: 'held',
    format: whole,
    ratio: false,
    target: { text: 'all it opened', met: (value, _raw, own) => value >= (own.streams ?? Number.POSITIVE_INFINITY) },
  },
  { label: () => 'Open-files limit the processes got', figure: 'openFileLimit', format: whole, ratio: false },
  { label: () => 'Connect rate', figure: 'connectPerSecond', format: (value) => `${whole(value)} /s`, ratio: true },
  ...STEPS.flatMap((step): Row[] => [
    {
      label: (run) => `JS heap per stream at ${step * 100} % (${streamsAt(step)(run)})`,
      figure: `heapPerStreamAt${step * 100}`,
      format: kilobytes,
      ratio: true,
      target: atMost(1.25),
    },
    {
      label: (run) => `RSS per stream at ${step * 100} % (${streamsAt(step)(run)})`,
      figure: `rssPerStreamAt${step * 100}`,
      format: kilobytes,
      ratio: true,
    },
  ]),
  {
    label: () => 'Time until the last stream has one 1 KB event',
    figure: 'fanOutMs',
    format: ms,
    ratio: true,
    target: atMost(1.2),
  },
  { label: () => 'Server CPU for one keep-alive round', figure: 'keepAliveRoundCpuMs', format: ms, ratio: true },
  {
    label: () => 'Streams that got a keep-alive in one interval',
    figure: 'keptAlive',
    format: whole,
    ratio: false,
  },
  {
    label: () => 'Live p99 (100 probe streams), before the idle streams',
    figure: 'probeP99QuietMs',
    format: ms,
    ratio: true,
  },
  { label: () => 'Live p99 during a keep-alive round', figure: 'probeP99RoundMs', format: ms, ratio: true },
  {
    label: () => 'Live p99 during a round ÷ before',
    figure: 'probeRoundRatio',
    format: (value) => `${digits(value)}×`,
    ratio: false,
    target: { text: '≤ 1.2×', met: (value) => value <= 1.2 },
  },
];

/** The scale100k table: one column per server, every figure of ours also as a ratio to raw. */
export function scale100kTable(measurements: readonly Measurement[]): string {
  const run = (server: ServerKind): Measurement | undefined =>
    measurements.find((measurement) => measurement.scenario === 'scale100k' && measurement.server === server);
  const servers = SCALE_SERVERS.filter((server) => run(server));
  const ours = servers.filter((server) => server !== 'raw');
  const header = [
    'Figure',
    ...servers.map((server) => TITLES[server]!),
    'Target for ours',
    `Met: ${ours.map((server) => TITLES[server]).join(' / ')}`,
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of ROWS) {
    const value = (server: ServerKind): number => run(server)?.figures[row.figure] ?? Number.NaN;
    const raw = value('raw');
    const cells = servers.map((server) => {
      const text = row.format(value(server));
      return row.ratio && server !== 'raw' && Number.isFinite(value(server)) && raw > 0
        ? `${text}<br>${digits(value(server) / raw)}× raw`
        : text;
    });
    const met = row.target
      ? ours
          .map((server) =>
            Number.isFinite(value(server))
              ? row.target!.met(value(server), raw, run(server)!.figures)
                ? 'yes'
                : '**no**'
              : 'n/a',
          )
          .join(' / ')
      : '';
    lines.push(`| ${[row.label(run), ...cells, row.target?.text ?? '', met].join(' | ')} |`);
  }
  return lines.join('\n');
}
