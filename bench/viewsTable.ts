import { median } from './benchmarkTable';
import type { ServerKind } from './benchProtocol';
import type { Measurement } from './measureScenario';
import { VIEW_SERVERS, VIEWS } from './scenarios';

const TITLES: Record<string, string> = {
  'views-broadcast': 'Rendered once, for everyone (unpersonalized broadcast)',
  'views-audiences': 'A view, rendered once per audience (3 roles)',
  'views-per-stream': 'A view, rendered once per stream',
};

/** The goal of issue 25: a view per audience costs at most this much more than the unpersonalized broadcast. */
const GOAL_RATIO = 1.2;

function nanoseconds(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value).toLocaleString('en-US')} ns` : 'n/a';
}

function ratio(value: number, base: number): string {
  return Number.isFinite(value) && base > 0 ? `${(value / base).toFixed(2)}×` : 'n/a';
}

/**
 * The views scenario's table: per rendering, the server CPU per delivered event (the median over
 * the repeats, and each repeat's figure), and its ratio to the unpersonalized broadcast; last,
 * whether a view per audience met the goal.
 */
export function viewsTable(measurements: readonly Measurement[]): string {
  const runsOf = (server: ServerKind): Measurement[] =>
    measurements.filter((run) => run.scenario === 'views' && run.server === server);
  const cpuOf = (server: ServerKind): number => median(runsOf(server).map((run) => run.figures.cpuNsPerEvent ?? NaN));
  const base = cpuOf('views-broadcast');
  const plan = VIEWS.plan!;
  const lines = [
    `| ${VIEWS.clients.toLocaleString('en-US')} streams, ${plan.count} events of Kita HTML | Server CPU per delivered event (median) | each repeat | ÷ rendered once |`,
    '|---|---|---|---|',
    ...VIEW_SERVERS.map((server) => {
      const repeats = runsOf(server).map((run) => nanoseconds(run.figures.cpuNsPerEvent ?? NaN));
      return `| ${TITLES[server]} | ${nanoseconds(cpuOf(server))} | ${repeats.join(', ')} | ${ratio(cpuOf(server), base)} |`;
    }),
  ];
  const audiences = cpuOf('views-audiences') / base;
  const verdict = Number.isFinite(audiences)
    ? `A view per audience costs ${audiences.toFixed(2)}× the unpersonalized broadcast: the goal (≤ ${GOAL_RATIO}×) is ${audiences <= GOAL_RATIO ? 'met' : 'not met'}.`
    : 'No figure for a view per audience.';
  return [...lines, '', verdict].join('\n');
}
