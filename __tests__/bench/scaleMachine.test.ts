import type { Measurement } from '../../bench/measureScenario';
import { machineLayout, sourceAddressesOf } from '../../bench/scaleMachine';
import { scaleMachineTable } from '../../bench/scaleMachineTable';

function row(table: string, label: string): string[] {
  const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${label}`));
  if (!line) throw new Error(`no row ${label} in\n${table}`);
  return line.split(' | ');
}

describe('the scalemachine layout', () => {
  it('keeps the processes asked for when each can hold its share of 100,000 streams', () => {
    expect(machineLayout(5, 65_536)).toEqual({ processes: 5, raisedBecause: undefined });
  });

  it('adds processes, and says why, when the open-files limit cannot hold the shares', () => {
    const layout = machineLayout(5, 20_000);
    expect(layout.processes).toBe(6);
    expect(layout.raisedBecause).toContain('20,000 files');
  });

  it('refuses a number of processes it cannot run, naming it', () => {
    expect(() => machineLayout(0, 65_536)).toThrow(RangeError);
    expect(() => machineLayout(2.5, 65_536)).toThrow(/2\.5/);
  });

  it('gives each load generator loopback source addresses no other one uses', () => {
    const addresses = [0, 1, 2, 3, 4, 5].flatMap(sourceAddressesOf);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) expect(address).toMatch(/^127\.0\.\d+\.\d+$/);
  });
});

describe('the scalemachine table', () => {
  const redis: Measurement = {
    scenario: 'scalemachine',
    server: 'ours-redis',
    figures: {
      processes: 2,
      '25000:streams': 25_000,
      '50000:streams': 50_000,
      '100000:streams': 100_000,
      '100000:one:p50': 1200,
      '100000:held': 100_000,
      '100000:keptAlive': 99_999,
      '100000:heapPerStream:0': 9 * 1024,
      '100000:heapPerStream:1': 10 * 1024,
    },
    problems: [],
    childCpuSeconds: 0,
  };
  const memory: Measurement = {
    scenario: 'scalemachine',
    server: 'ours',
    figures: { processes: 1, '19700:streams': 19_700, '19700:one:p50': 300 },
    problems: [],
    childCpuSeconds: 0,
  };

  it('gives each step of the Redis run, the in-memory baseline, and their ratio at 100,000', () => {
    const table = scaleMachineTable([redis, memory]);
    expect(row(table, 'Streams reached').slice(1)).toEqual(['25,000', '50,000', '100,000', '19,700', ' |']);
    expect(row(table, 'One event to every stream, p50 of 20 (one by one)').slice(1)).toEqual([
      'n/a',
      'n/a',
      '1,200 ms',
      '300 ms',
      '4.00× |',
    ]);
    expect(table).toContain('100,000 streams stayed open, 99,999 had a keep-alive');
    expect(table).toContain('JS heap per stream: 9.00 KB, 10.0 KB');
  });
});
