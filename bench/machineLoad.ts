import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** Busy and total CPU time of the whole machine so far (Linux `/proc/stat`), in seconds. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Reads the machine's CPU times, or undefined where `/proc/stat` does not exist. */
export function machineCpuTimes(): CpuTimes | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const ticksPerSecond = 100;
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond };
  } catch {
    return undefined;
  }
}

/** A one-line description of the machine: cores, CPU model, memory, Node version. */
export function describeMachine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} cores (${model}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/** The 1-minute load average, rounded. */
export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
