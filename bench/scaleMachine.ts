/**
 * The `scalemachine` scenario (opt-in: `--scenarios=scalemachine`, issue 26): 100,000 streams on
 * one machine in the shape a deployment runs them, several server processes on one Redis, each
 * holding its share, and the load generator in as many processes, each from loopback source
 * addresses of its own ({@link sourceAddressesOf}), so no process passes the open-files limit and
 * no address runs short of ephemeral ports. Every process floats over both cores (nothing is pinned:
 * there are more processes than cores).
 *
 * At 25,000, 50,000 and 100,000 streams it takes each server's heap and RSS per stream, then
 * publishes 20 events one by one from the first server (each crosses Redis to every process, and
 * goes once the one before it reached every stream) and 20 at 20 events/s, and times each until
 * its last stream had it; it reads Redis's CPU and network bytes around them, less what Redis
 * spends idle. At 100,000 it first holds the streams idle for 60 s
 * with keep-alives. The same run on the in-memory bus, in one process at 19,700 streams (what
 * one process's 20,000 open files allow), is the baseline the Redis figures are divided by.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchChild } from './benchChild';
import type {
  DeliveryResult,
  LoadCommand,
  LoadReply,
  PublishPlan,
  ServerCommand,
  ServerKind,
  ServerReply,
} from './benchProtocol';
import { type ChildPlacement, cpuMicros, type Measurement } from './measureScenario';
import { minimumDataLength } from './payloads';
import { startBenchRedis } from './redisServerProcess';
import { RedisStats, type RedisUsage } from './redisStats';
import { STREAM_PATH } from './servers/benchServer';

/** Streams the Redis run aims for, across its processes. */
export const MACHINE_STREAMS = 100_000;
/** Where the Redis run takes its figures, in streams across all processes. */
export const MACHINE_STEPS = [25_000, 50_000, 100_000] as const;
/** Server processes the Redis run asks for (`--processes=N`). */
export const DEFAULT_PROCESSES = 5;
/** The in-memory baseline: one process, as many streams as its open files allow. */
export const BASELINE_STREAMS = 19_700;
/** How long the 100,000 are held idle before their events. */
export const HOLD_MS = 60_000;
/** The library's default keep-alive interval: four rounds in the hold. */
export const KEEP_ALIVE_MS = 15_000;
/** Events timed one by one: each is published once the last had reached every stream. */
export const EVENTS_ONE_BY_ONE = 20;
/** One event, published when the one before it had reached every stream. */
const ONE_EVENT: PublishPlan = { count: 1, batchSize: 1, intervalMs: 0, payload: 'text128' };
/**
 * 20 events a second, each stamped with the time it was due: when the publishing process is too
 * busy to keep to the schedule, the wait counts in the event's time.
 */
export const AT_RATE: PublishPlan = { count: 20, batchSize: 1, intervalMs: 50, payload: 'text128', stampDueTime: true };

/** Open files a process keeps for itself: IPC, the listening socket, Redis connections, libuv. */
const FD_RESERVE = 300;
const CONNECT_CONCURRENCY = 128;
const CONNECT_TIMEOUT_MS = 420_000;
/** Loopback source addresses per load generator: about 4,200 ports each at 100,000 over 6. */
const ADDRESSES_PER_LOAD = 4;
/** Redis's own CPU with nothing published (its timers, blocked reads) is measured over this long. */
const IDLE_WINDOW_MS = 5000;
const STEP_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 120_000;

/** How the run is laid out. */
export interface MachineLayout {
  /** Server processes (and load generator processes: one per server). */
  processes: number;
  /** Why there are more than were asked for, if there are. */
  raisedBecause: string | undefined;
}

/** The hard open-files limit of a process started here (what a child can raise its own to). */
function hardOpenFilesLimit(): number {
  const limit = Number(spawnSync('sh', ['-c', 'ulimit -Hn']).stdout?.toString().trim());
  return Number.isSafeInteger(limit) && limit > 0 ? limit : Number.POSITIVE_INFINITY;
}

/** `processes` servers, or as many more as 100,000 streams need within each one's open files. */
export function machineLayout(processes: number, openFilesLimit = hardOpenFilesLimit()): MachineLayout {
  if (!Number.isSafeInteger(processes) || processes < 1 || processes > 16)
    throw new RangeError(`--processes must be an integer from 1 to 16, got ${processes}`);
  const perProcess = openFilesLimit - FD_RESERVE;
  const needed = Math.ceil(MACHINE_STREAMS / perProcess);
  return needed > processes
    ? {
        processes: needed,
        raisedBecause: `${processes} processes cannot hold ${MACHINE_STREAMS.toLocaleString('en-US')} streams: each may open ${openFilesLimit.toLocaleString('en-US')} files (ulimit -Hn), ${perProcess.toLocaleString('en-US')} of them streams`,
      }
    : { processes, raisedBecause: undefined };
}

/**
 * The source addresses of load generator `index`: 127.0.<index+1>.2 to .5. Linux finds a free
 * ephemeral port for a bound source address by searching its range, which slows down as the range
 * fills (about 28,000 ports), so each address carries only a few thousand streams.
 */
export function sourceAddressesOf(index: number): string[] {
  return Array.from({ length: ADDRESSES_PER_LOAD }, (_, k) => `127.0.${index + 1}.${k + 2}`);
}

/** Process `index`'s share of `total` streams over `count` processes. */
function shareOf(total: number, count: number, index: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

type Server = BenchChild<ServerCommand, ServerReply>;
type Load = BenchChild<LoadCommand, LoadReply>;

/** One run: its processes, what they hold, and where its figures go. */
class MachineRun {
  readonly servers: Server[];
  readonly loads: Load[];
  readonly measurement: Measurement;
  readonly #open: number[];
  #ports: number[] = [];
  /** Streams open after the last step. */
  #lastOpen = 0;
  /** What Redis spends per ms with nothing published (see {@link measureRedisIdle}). */
  #redisIdle = { cpuPerMs: 0, inPerMs: 0, outPerMs: 0 };
  #baseline: { heapUsed: number; rss: number }[] = [];

  constructor(kind: ServerKind, processes: number, setup: ChildPlacement, env: Record<string, string>) {
    const openFiles = MACHINE_STREAMS + 10_000;
    this.servers = Array.from(
      { length: processes },
      () =>
        new BenchChild<ServerCommand, ServerReply>({
          script: setup.serverScript,
          args: [kind, String(KEEP_ALIVE_MS)],
          nodeFlags: ['--expose-gc'],
          cpu: undefined,
          openFiles,
          env,
        }),
    );
    this.loads = Array.from(
      { length: processes },
      () => new BenchChild<LoadCommand, LoadReply>({ script: setup.loadScript, args: [], cpu: undefined, openFiles }),
    );
    this.#open = this.servers.map(() => 0);
    this.measurement = { scenario: 'scalemachine', server: kind, figures: {}, problems: [], childCpuSeconds: 0 };
  }

  get figures(): Record<string, number> {
    return this.measurement.figures;
  }

  get problems(): string[] {
    return this.measurement.problems;
  }

  /** Waits for every child, then takes each server's memory before any stream. */
  async start(): Promise<void> {
    const ready = await Promise.all(this.servers.map((server) => server.next('ready', STEP_TIMEOUT_MS)));
    await Promise.all(this.loads.map((load) => load.next('ready', STEP_TIMEOUT_MS)));
    this.#ports = ready.map((reply) => reply.port);
    this.figures.openFileLimit = Math.min(...ready.map((reply) => reply.openFileLimit ?? Number.POSITIVE_INFINITY));
    this.#baseline = await this.#memory();
  }

  /** Opens streams until `total` are open across the servers; records memory per stream at `step`. */
  async reach(total: number, step: string): Promise<void> {
    const count = this.servers.length;
    const started = performance.now();
    const connected = await Promise.all(
      this.loads.map((load, index) =>
        load.request(
          {
            type: 'connect',
            port: this.#ports[index]!,
            path: STREAM_PATH,
            count: shareOf(total, count, index) - this.#open[index]!,
            concurrency: CONNECT_CONCURRENCY,
            timeoutMs: CONNECT_TIMEOUT_MS,
            sourceAddresses: sourceAddressesOf(index),
          },
          'connected',
          CONNECT_TIMEOUT_MS + STEP_TIMEOUT_MS,
        ),
      ),
    );
    for (const [index, reply] of connected.entries()) {
      this.#open[index] = reply.open;
      if (reply.failed > 0)
        this.problems.push(
          `${step}: ${reply.failed} connections to process ${index} failed (first: ${reply.firstError})`,
        );
    }
    const registered = await Promise.all(
      this.servers.map((server, index) =>
        server.request(
          { type: 'awaitConnections', count: this.#open[index]!, timeoutMs: STEP_TIMEOUT_MS },
          'connections',
          STEP_TIMEOUT_MS * 2,
        ),
      ),
    );
    const open = this.#open.reduce((sum, streams) => sum + streams, 0);
    this.figures[`${step}:streams`] = open;
    this.figures[`${step}:registered`] = registered.reduce((sum, reply) => sum + reply.count, 0);
    this.figures[`${step}:connectPerSecond`] = (open - this.#lastOpen) / ((performance.now() - started) / 1000);
    this.#lastOpen = open;
    const memory = await this.#memory();
    const heap: number[] = [];
    const rss: number[] = [];
    for (const [index, after] of memory.entries()) {
      const streams = this.#open[index]!;
      heap.push((after.heapUsed - this.#baseline[index]!.heapUsed) / streams);
      rss.push((after.rss - this.#baseline[index]!.rss) / streams);
      this.figures[`${step}:heapPerStream:${index}`] = heap[index]!;
      this.figures[`${step}:rssPerStream:${index}`] = rss[index]!;
    }
    const totalHeap = memory.reduce((sum, after, index) => sum + after.heapUsed - this.#baseline[index]!.heapUsed, 0);
    const totalRss = memory.reduce((sum, after, index) => sum + after.rss - this.#baseline[index]!.rss, 0);
    this.figures[`${step}:heapPerStream`] = totalHeap / open;
    this.figures[`${step}:rssPerStream`] = totalRss / open;
    this.figures[`${step}:heapPerStreamMax`] = Math.max(...heap);
    this.figures[`${step}:rssPerStreamMax`] = Math.max(...rss);
  }

  /** Holds every stream idle for `durationMs`; records how many stayed open and had a keep-alive. */
  async hold(durationMs: number, step: string): Promise<void> {
    const held = await Promise.all(
      this.loads.map((load) => load.request({ type: 'hold', durationMs }, 'held', durationMs + STEP_TIMEOUT_MS)),
    );
    const open = held.reduce((sum, reply) => sum + reply.open, 0);
    this.figures[`${step}:held`] = open;
    this.figures[`${step}:keptAlive`] = held.reduce((sum, reply) => sum + reply.withKeepAlive, 0);
    const before = this.figures[`${step}:streams`] ?? 0;
    if (open < before) this.problems.push(`${step}: ${before - open} streams closed while held`);
  }

  /**
   * Publishes `plan` from the first server `rounds` times, each time waiting until every stream of
   * every process had all of it; records, per event, the time until its last stream had it (p50 and
   * p99 over the events of every round), the streams that had every event, the servers' CPU per
   * delivered event, how long publishing took, and Redis's cost per event when `redis` is given.
   */
  async deliver(plan: PublishPlan, name: string, redis: RedisStats | undefined, rounds = 1): Promise<void> {
    const perEvent: number[] = [];
    const deliveries: DeliveryResult[] = [];
    let cpuMicrosSpent = 0;
    let loadCpuMicrosSpent = 0;
    let publishMs = 0;
    let complete = Number.POSITIVE_INFINITY;
    const redisSpent = { cpuSeconds: 0, bytesIn: 0, bytesOut: 0 };
    for (let round = 0; round < rounds; round += 1) {
      await Promise.all(
        this.loads.map((load) =>
          load.request(
            {
              type: 'expect',
              firstSequence: 1,
              count: plan.count,
              minDataLength: minimumDataLength(plan.payload),
              recordLatency: true,
              timeoutMs: DELIVERY_TIMEOUT_MS,
              // The payload's stamp, not the id: each plan numbers its events from 1.
              sequenceFrom: 'payload',
            },
            'expecting',
            STEP_TIMEOUT_MS,
          ),
        ),
      );
      const cpuBefore = await this.#serverCpu();
      const loadCpuBefore = await this.#loadCpu();
      const redisBefore = await redis?.read();
      const [publisher] = this.servers;
      publisher!.send({ type: 'publish', plan });
      const received = await Promise.all(
        this.loads.map((load) => load.next('received', DELIVERY_TIMEOUT_MS + STEP_TIMEOUT_MS)),
      );
      const published = await publisher!.next('published', DELIVERY_TIMEOUT_MS + STEP_TIMEOUT_MS);
      const redisAfter = await redis?.read();
      cpuMicrosSpent += (await this.#serverCpu()) - cpuBefore;
      loadCpuMicrosSpent += (await this.#loadCpu()) - loadCpuBefore;
      publishMs += published.elapsedMs;
      for (let index = 0; index < plan.count; index += 1)
        perEvent.push(Math.max(...received.map((delivery) => delivery.fanOutMs[index] ?? Number.NaN)));
      complete = Math.min(
        complete,
        received.reduce((sum, delivery) => sum + delivery.complete, 0),
      );
      if (redisBefore && redisAfter) this.#addRedisSpent(redisSpent, redisBefore, redisAfter);
      deliveries.push(...received);
    }
    const delivered = deliveries.reduce((sum, delivery) => sum + delivery.delivered, 0);
    const events = plan.count * rounds;
    this.figures[`${name}:p50`] = percentile(perEvent, 0.5);
    this.figures[`${name}:p99`] = percentile(perEvent, 0.99);
    this.figures[`${name}:complete`] = complete;
    this.figures[`${name}:publishMs`] = publishMs;
    this.figures[`${name}:serverCpuNsPerDelivery`] = (cpuMicrosSpent * 1000) / delivered;
    this.figures[`${name}:loadCpuNsPerDelivery`] = (loadCpuMicrosSpent * 1000) / delivered;
    if (redis) {
      this.figures[`${name}:redisCpuUsPerEvent`] = (redisSpent.cpuSeconds * 1e6) / events;
      this.figures[`${name}:redisBytesInPerEvent`] = redisSpent.bytesIn / events;
      this.figures[`${name}:redisBytesOutPerEvent`] = redisSpent.bytesOut / events;
    }
    this.#faults(name, deliveries);
  }

  /** Ends every child: servers first, so TIME_WAIT lands on their ports. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
    await Promise.all(this.loads.map((load) => load.stop()));
  }

  /** CPU seconds of every child, for the machine-load estimate. */
  async childCpuSeconds(): Promise<number> {
    return ((await this.#serverCpu()) + (await this.#loadCpu())) / 1e6;
  }

  /**
   * Reads what Redis spends per ms with nothing published (its own timers, each process's blocked
   * read timing out), which {@link deliver} takes out of its figures.
   */
  async measureRedisIdle(redis: RedisStats, step: string): Promise<void> {
    const before = await redis.read();
    await sleep(IDLE_WINDOW_MS);
    const after = await redis.read();
    const ms = after.at - before.at;
    this.#redisIdle = {
      cpuPerMs: (after.cpuSeconds - before.cpuSeconds) / ms,
      inPerMs: (after.bytesIn - before.bytesIn) / ms,
      outPerMs: (after.bytesOut - before.bytesOut) / ms,
    };
    this.figures[`${step}:redisIdleCpuPercent`] = this.#redisIdle.cpuPerMs * 1000 * 100;
  }

  /** Adds what Redis spent between two readings, less what it spends idle in as long. */
  #addRedisSpent(
    spent: { cpuSeconds: number; bytesIn: number; bytesOut: number },
    before: RedisUsage,
    after: RedisUsage,
  ): void {
    const idle = this.#redisIdle;
    const ms = after.at - before.at;
    spent.cpuSeconds += after.cpuSeconds - before.cpuSeconds - idle.cpuPerMs * ms;
    spent.bytesIn += after.bytesIn - before.bytesIn - idle.inPerMs * ms;
    spent.bytesOut += after.bytesOut - before.bytesOut - idle.outPerMs * ms;
  }

  #faults(name: string, deliveries: readonly DeliveryResult[]): void {
    let missing = 0;
    let duplicates = 0;
    let badData = 0;
    let closed = 0;
    let timedOut = false;
    for (const delivery of deliveries) {
      missing += delivery.missing;
      duplicates += delivery.duplicates;
      badData += delivery.badData;
      closed += delivery.closed;
      timedOut ||= delivery.timedOut;
    }
    this.figures.faults = (this.figures.faults ?? 0) + missing + duplicates + badData;
    if (missing + duplicates + badData + closed > 0 || timedOut)
      this.problems.push(
        `${name}: ${missing} events lost, ${duplicates} duplicated, ${badData} cut short, ${closed} streams closed${timedOut ? `, not all within ${DELIVERY_TIMEOUT_MS} ms` : ''}`,
      );
  }

  async #memory(): Promise<{ heapUsed: number; rss: number }[]> {
    // One at a time: each takes two full collections, which would otherwise compete for the cores.
    const memory: { heapUsed: number; rss: number }[] = [];
    for (const server of this.servers) memory.push(await server.request({ type: 'memory' }, 'memory', STEP_TIMEOUT_MS));
    return memory;
  }

  /** Every load generator's CPU time so far, in µs. */
  async #loadCpu(): Promise<number> {
    const replies = await Promise.all(this.loads.map((load) => load.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS)));
    return replies.reduce((sum, reply) => sum + cpuMicros(reply), 0);
  }

  /** Every server's CPU time so far, in µs. */
  async #serverCpu(): Promise<number> {
    const replies = await Promise.all(
      this.servers.map((server) => server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS)),
    );
    return replies.reduce((sum, reply) => sum + cpuMicros(reply), 0);
  }
}

/** Says how far a run got. */
export type ProgressLog = (line: string) => void;

/** The figures of one step: memory, 20 events one by one, 20 at 20 events/s. */
async function measureStep(
  run: MachineRun,
  streams: number,
  redis: RedisStats | undefined,
  hold: boolean,
  log: ProgressLog,
): Promise<void> {
  const step = String(streams);
  const figure = (name: string): string => Math.round(run.figures[`${step}:${name}`] ?? Number.NaN).toString();
  await run.reach(streams, step);
  log(`${run.measurement.server} ${step}: ${figure('streams')} streams open, ${figure('connectPerSecond')}/s`);
  if (hold) {
    await run.hold(HOLD_MS, step);
    log(`${run.measurement.server} ${step}: ${figure('held')} held for ${HOLD_MS / 1000} s`);
  }
  if (redis) await run.measureRedisIdle(redis, step);
  await run.deliver(ONE_EVENT, `${step}:one`, redis, EVENTS_ONE_BY_ONE);
  await run.deliver(AT_RATE, `${step}:rate`, redis);
  log(
    `${run.measurement.server} ${step}: one by one p50 ${figure('one:p50')} ms, at 20/s p50 ${figure('rate:p50')} ms`,
  );
}

/**
 * Runs the scenario: the Redis run over `layout.processes` servers (figures at each of
 * {@link MACHINE_STEPS}, the 60 s hold at the last), then the in-memory baseline. Each in fresh
 * processes, with a Redis of its own started for the run.
 */
export async function measureScaleMachine(
  setup: ChildPlacement,
  layout: MachineLayout,
  log: ProgressLog,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const redisServer = await startBenchRedis(undefined);
  if (typeof redisServer === 'string') {
    measurements.push({
      scenario: 'scalemachine',
      server: 'ours-redis',
      figures: {},
      problems: [`not run: ${redisServer}`],
      childCpuSeconds: 0,
    });
  } else {
    const stats = new RedisStats(redisServer.url);
    const run = new MachineRun('ours-redis', layout.processes, setup, {
      BENCH_REDIS_URL: redisServer.url,
      BENCH_REDIS_PREFIX: `scalemachine-${process.pid}:`,
    });
    run.figures.processes = layout.processes;
    if (layout.raisedBecause) run.problems.push(`${layout.processes} processes, not fewer: ${layout.raisedBecause}`);
    try {
      await stats.open();
      await run.start();
      for (const streams of MACHINE_STEPS) await measureStep(run, streams, stats, streams === MACHINE_STREAMS, log);
      run.measurement.childCpuSeconds = await run.childCpuSeconds();
    } catch (error) {
      run.problems.push((error as Error).message);
    } finally {
      await run.stop();
      await stats.close().catch(() => undefined);
      await redisServer.stop();
    }
    measurements.push(run.measurement);
  }

  const baseline = new MachineRun('ours', 1, setup, {});
  baseline.figures.processes = 1;
  try {
    await baseline.start();
    await measureStep(baseline, BASELINE_STREAMS, undefined, false, log);
    baseline.measurement.childCpuSeconds = await baseline.childCpuSeconds();
  } catch (error) {
    baseline.problems.push((error as Error).message);
  } finally {
    await baseline.stop();
  }
  measurements.push(baseline.measurement);
  return measurements;
}
