import { BenchmarkResults } from '../../bench/benchmarkTable';
import type { ServerKind } from '../../bench/benchProtocol';
import type { Measurement } from '../../bench/measureScenario';

function throughputRun(server: ServerKind, cpuNsPerEvent: number, eventsPerSecond: number): Measurement {
  return {
    scenario: 'throughput',
    server,
    figures: { cpuNsPerEvent, eventsPerSecond, faults: 0 },
    problems: [],
    childCpuSeconds: 0,
  };
}

function row(table: string, label: string): string[] {
  const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${label}`));
  if (!line) throw new Error(`no row ${label} in\n${table}`);
  return line.split(' | ');
}

describe('the bench table holds the Redis bus to its own targets, beside the in-memory bus', () => {
  const servers: ServerKind[] = ['raw', 'ours', 'ours-redis'];

  it('shows the targets and meets them at 0.8x the events/s and 1.25x the CPU of in-memory ours', () => {
    const table = new BenchmarkResults([
      throughputRun('raw', 1000, 500_000),
      throughputRun('ours', 800, 1_000_000),
      throughputRun('ours-redis', 1000, 800_000),
    ]).table(servers);

    const cpu = row(table, '1. Throughput: server CPU per delivered event');
    expect(cpu.at(-2)).toBe('≤ 1.1× raw, ≤ 0.4× better-sse; Redis bus: ≤ 1.25× ours');
    expect(cpu.at(-1)).toBe('yes / yes |');
    const rate = row(table, '1. Throughput: delivered events/s (1,000 clients)');
    expect(rate.at(-2)).toBe('≥ 0.9× raw; Redis bus: ≥ 0.8× ours');
    expect(rate.at(-1)).toBe('yes / yes |');
  });

  it('flags the Redis bus when it is slower than that, whatever raw does', () => {
    const table = new BenchmarkResults([
      throughputRun('raw', 5000, 100_000),
      throughputRun('ours', 800, 1_000_000),
      throughputRun('ours-redis', 1001, 799_999),
    ]).table(servers);

    expect(row(table, '1. Throughput: server CPU per delivered event').at(-1)).toBe('yes / **no** |');
    expect(row(table, '1. Throughput: delivered events/s (1,000 clients)').at(-1)).toBe('yes / **no** |');
  });

  it('keeps the in-memory targets alone when the Redis bus did not run', () => {
    const table = new BenchmarkResults([
      throughputRun('raw', 1000, 500_000),
      throughputRun('ours', 800, 1_000_000),
    ]).table(['raw', 'ours']);

    expect(row(table, '1. Throughput: server CPU per delivered event').at(-2)).toBe('≤ 1.1× raw, ≤ 0.4× better-sse');
  });
});
