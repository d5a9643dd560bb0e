import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** One reading of the server process. */
export interface SystemSample {
  at: number;
  /** CPU time used since the last sample, as a percent of one core. */
  cpuPercent: number;
  /** Resident set size, bytes. */
  rssBytes: number;
  /** V8 heap in use, bytes. */
  heapUsedBytes: number;
  /** 99th percentile event-loop delay since the last sample, ms. */
  loopDelayMs: number;
  /** Open SSE connections. */
  connections: number;
}

/** Options of {@link SystemSampler}. */
export interface SystemSamplerOptions {
  /** Counts the open SSE connections. */
  connections: () => number;
  /** Samples kept for the sparklines. Default 60. */
  keep?: number;
}

/**
 * Reads CPU, memory, event-loop delay and connections on demand and keeps the last few
 * readings. CPU and delay are measured over the time since the previous reading.
 */
export class SystemSampler {
  readonly #connections: () => number;
  readonly #keep: number;
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #samples: SystemSample[] = [];
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();

  /** @param options - the connection counter and how many samples to keep. */
  constructor(options: SystemSamplerOptions) {
    this.#connections = options.connections;
    this.#keep = options.keep ?? 60;
    this.#loopDelay.enable();
  }

  /** Takes a reading and keeps it. */
  sample(): SystemSample {
    const now = performance.now();
    const cpu = process.cpuUsage(this.#lastCpu);
    const elapsedMicros = Math.max(1, (now - this.#lastAt) * 1000);
    const memory = process.memoryUsage();
    const sample: SystemSample = {
      at: Date.now(),
      cpuPercent: ((cpu.user + cpu.system) / elapsedMicros) * 100,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      // The histogram is empty until the loop has turned at least once at its resolution.
      loopDelayMs: this.#loopDelay.count > 0 ? this.#loopDelay.percentile(99) / 1e6 : 0,
      connections: this.#connections(),
    };
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = now;
    this.#loopDelay.reset();
    this.#samples.push(sample);
    if (this.#samples.length > this.#keep) this.#samples.shift();
    return sample;
  }

  /** The kept readings, oldest first. */
  samples(): readonly SystemSample[] {
    return this.#samples;
  }

  /** Stops measuring the event loop. */
  stop(): void {
    this.#loopDelay.disable();
  }
}
