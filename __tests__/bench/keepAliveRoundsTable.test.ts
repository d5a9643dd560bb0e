import { keepAliveRoundsTable } from '../../bench/keepAliveRoundsTable';
import type { Measurement } from '../../bench/measureScenario';

function run(figures: Record<string, number>): Measurement {
  return {
    scenario: 'keepalive',
    server: 'ours',
    figures: {
      roundsStreams: 19_700,
      quietStreams: 19_700,
      silentKeptAlive: 19_700,
      silentLongestMs: 4990,
      silentOverLimit: 0,
      busyKeptAlive: 19_700,
      quietP99Ms: 10,
      roundsP99Ms: 11,
      p99Ratio: 1.1,
      ...figures,
    },
    problems: [],
    childCpuSeconds: 0,
  };
}

function row(table: string, label: string): string[] {
  const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${label}`));
  if (!line) throw new Error(`no row ${label} in\n${table}`);
  return line.split(' | ');
}

describe('the keepalive table holds each run to the issue 26 targets', () => {
  it('gives each run, their median, and says which run missed the 1.2x p99 ratio', () => {
    const table = keepAliveRoundsTable([run({ p99Ratio: 1.1 }), run({ p99Ratio: 1.5 }), run({ p99Ratio: 0.9 })]);

    expect(row(table, 'Live p99 during rounds ÷ quiet').slice(1)).toEqual([
      '1.10×',
      '1.50×',
      '0.90×',
      '1.10×',
      '≤ 1.2×',
      'yes / **no** / yes |',
    ]);
  });

  it('flags a silent stream that waited past the interval, or one with no heartbeat', () => {
    const table = keepAliveRoundsTable([run({ silentLongestMs: 5010, silentOverLimit: 3, silentKeptAlive: 19_699 })]);

    expect(row(table, '0 events/s: longest a stream waited for a heartbeat').slice(1)).toEqual([
      '5.01 s',
      '5.01 s',
      '≤ 5.00 s',
      '**no** |',
    ]);
    expect(row(table, '0 events/s: streams that once waited over 5.00 s').at(-1)).toBe('**no** |');
    expect(row(table, '0 events/s: streams with a heartbeat in 15.00 s').at(-1)).toBe('**no** |');
  });
});
