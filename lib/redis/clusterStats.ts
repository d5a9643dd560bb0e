import { hostname } from 'node:os';
import type { RunCommand } from './commandDeadline';
import type { RedisKeys } from './redisKeys';
import type { RedisConnection } from './streamReader';

/** What one process reports about itself, under a key that expires unless refreshed. */
export interface ProcessReport {
  processId: string;
  hostname: string;
  pid: number;
  startedAt: number;
  reportedAt: number;
  /** Its open connections, or null when no broadcaster is attached to its bus yet. */
  connections: number | null;
  /** Its open connections per channel. */
  byChannel: Record<string, number>;
}

/** Every live process's report, and their sums. */
export interface ClusterStats {
  /** Reports of the processes that reported within the last three intervals. */
  processes: ProcessReport[];
  /** Open connections over every process. */
  connections: number;
  /** Open connections per channel over every process. */
  byChannel: Record<string, number>;
  /** When this view was read (ms since epoch). */
  readAt: number;
}

/** Where a process's counts come from: the handlers its broadcaster attached to the bus. */
export interface LocalStatsSource {
  stats(): { connections: number; byChannel: Record<string, number> };
}

/** Sums reports into a {@link ClusterStats}. */
function aggregate(processes: ProcessReport[], readAt: number): ClusterStats {
  const byChannel: Record<string, number> = {};
  let connections = 0;
  for (const report of processes) {
    connections += report.connections ?? 0;
    for (const [channel, count] of Object.entries(report.byChannel))
      byChannel[channel] = (byChannel[channel] ?? 0) + count;
  }
  return { processes, connections, byChannel, readAt };
}

/**
 * Reports this process's counts every interval (a key with a TTL of three intervals, indexed by a
 * sorted set scored by report time, so reading never needs `KEYS`/`SCAN`) and keeps the latest
 * view of every live process. Liveness compares report times, so clocks must agree (NTP) to well
 * within three intervals.
 */
export class ClusterStatsReporter {
  readonly #run: RunCommand<RedisConnection>;
  readonly #keys: RedisKeys;
  readonly #processId: string;
  readonly #intervalMs: number;
  readonly #onError: (error: Error) => void;
  readonly #startedAt = Date.now();
  #source: LocalStatsSource | undefined;
  #timer: NodeJS.Timeout | undefined;
  #latest: ClusterStats | undefined;

  /**
   * @param run - runs commands under the bus's deadline.
   * @param keys - the bus's keys.
   * @param processId - this process.
   * @param intervalMs - report interval; reports live three intervals.
   * @param onError - a failed report (the next interval tries again).
   */
  constructor(
    run: RunCommand<RedisConnection>,
    keys: RedisKeys,
    processId: string,
    intervalMs: number,
    onError: (error: Error) => void,
  ) {
    this.#run = run;
    this.#keys = keys;
    this.#processId = processId;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /** How long a report stays live (ms). */
  get ttlMs(): number {
    return this.#intervalMs * 3;
  }

  /** The last view read, if any. */
  get latest(): ClusterStats | undefined {
    return this.#latest;
  }

  /** Takes this process's counts from `source` from now on. */
  setSource(source: LocalStatsSource): void {
    this.#source = source;
  }

  /** Reports now and then every interval. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.refresh().catch(this.#onError), this.#intervalMs);
    this.#timer.unref();
    void this.refresh().catch(this.#onError);
  }

  /** Stops reporting. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Writes this process's report, prunes expired ones, and reads every live report. */
  async refresh(): Promise<ClusterStats> {
    const now = Date.now();
    const counts = this.#source?.stats();
    const report: ProcessReport = {
      processId: this.#processId,
      hostname: hostname(),
      pid: process.pid,
      startedAt: this.#startedAt,
      reportedAt: now,
      connections: counts ? counts.connections : null,
      byChannel: counts ? counts.byChannel : {},
    };
    const keys = this.#keys;
    const live = await this.#run('report stats', (client) =>
      client
        .multi()
        .set(keys.report(this.#processId), JSON.stringify(report), { PX: this.ttlMs })
        .zAdd(keys.processes, { score: now, value: this.#processId })
        .zRemRangeByScore(keys.processes, '-inf', `(${now - this.ttlMs}`)
        .zRangeByScore(keys.processes, now - this.ttlMs, '+inf')
        .exec(),
    );
    return this.#readReports(live[3] as unknown as string[], now);
  }

  /** Reads every live report without writing this process's own. */
  async read(): Promise<ClusterStats> {
    const now = Date.now();
    const ids = await this.#run('read stats', (client) =>
      client.zRangeByScore(this.#keys.processes, now - this.ttlMs, '+inf'),
    );
    return this.#readReports(ids, now);
  }

  /** Removes this process's report (on close). */
  async withdraw(): Promise<void> {
    await this.#run('withdraw stats', (client) =>
      client.multi().del(this.#keys.report(this.#processId)).zRem(this.#keys.processes, this.#processId).exec(),
    );
  }

  async #readReports(ids: string[], now: number): Promise<ClusterStats> {
    const texts =
      ids.length === 0
        ? []
        : await this.#run('read stats', (client) => client.mGet(ids.map((id) => this.#keys.report(id))));
    const reports = texts
      .filter((text): text is string => typeof text === 'string')
      .map((text) => JSON.parse(text) as ProcessReport);
    this.#latest = aggregate(reports, now);
    return this.#latest;
  }
}
