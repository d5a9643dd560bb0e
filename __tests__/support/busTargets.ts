import type { BroadcasterOptions } from '../../lib/broadcast/broadcasterOptions';
import type { Bus } from '../../lib/broadcast/bus';
import type { EventHistoryOptions } from '../../lib/broadcast/eventHistory';
import { MemoryBus } from '../../lib/broadcast/memoryBus';
import { RedisBus } from '../../redis';
import { type DeliveryFaults, faultyBus, latencyByName } from './deliveryFaults';
import { RedisClusterRig } from './redisClusterRig';
import { RedisServer } from './redisServer';

/** What a target runs: one app process (an app with `sseMiddleware` on its own broadcaster and bus). */
export interface Served {
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/** Starts one process around the broadcaster options a target gives it (`bus`, or `history` for the memory bus). */
export type Serve<S extends Served> = (options: BroadcasterOptions) => Promise<S>;

/** What a world is asked for. */
export interface WorldOptions {
  /** How many processes; default the target's own (`BusTarget.processes`). */
  processes?: number;
  /** Per-channel history limits. */
  history?: EventHistoryOptions;
  /** Wraps each process's bus last (a history read held back, …). */
  wrap?: (bus: Bus) => Bus;
}

/** Processes on one backend, made by {@link BusTarget.start}. */
export interface TargetWorld<S extends Served> {
  /** The processes; {@link restartEmpty} may replace them in place (the memory bus). */
  readonly processes: S[];
  /** Process `index`'s delivery faults, on a target that injects them. */
  faults(index: number): DeliveryFaults | undefined;
  /**
   * The backend loses everything: Redis restarts empty (every process is connected again when this
   * resolves); on the memory bus each process is replaced by a fresh one (a new broadcaster and bus,
   * as after a restart of the app). Undefined where the target cannot do it (the cluster).
   */
  restartEmpty: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

/**
 * One bus backend the contract suite, the middleware suites and the model check run on. A file
 * sets the target up once (`beforeAll`: its Redis or its cluster) and starts worlds on it; each
 * world has a key prefix of its own, so worlds never see one another's events.
 */
export interface BusTarget {
  readonly name: string;
  /** How many processes a world has unless asked otherwise (1 on the memory bus, which cannot share). */
  readonly processes: number;
  /**
   * `'several'` where live delivery of different channels can arrive out of position order (a
   * cluster's buckets read apart, the injected latencies): a multi-channel stream's cursor (one
   * position) cannot then resume it exactly.
   */
  readonly partitions: 'one' | 'several';
  /** Whether its worlds can {@link TargetWorld.restartEmpty}. */
  readonly restarts: boolean;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  start<S extends Served>(serve: Serve<S>, options?: WorldOptions): Promise<TargetWorld<S>>;
}

/** How long a restarted Redis may take to have every bus connected again. */
const RECONNECT_MS = 20_000;
/** Bounds of one bus's Redis commands and blocking reads, short so that a test's failure is quick. */
const REDIS_TIMEOUTS = { commandTimeoutMs: 1000, blockMs: 1000 };

let worlds = 0;

/** Starts `count` processes, each around the bus `makeBus` gives it. */
async function startProcesses<S extends Served>(
  serve: Serve<S>,
  count: number,
  makeBus: () => Promise<{ bus: Bus; faults?: DeliveryFaults }>,
  wrap: (bus: Bus) => Bus,
): Promise<{ processes: S[]; faults: (DeliveryFaults | undefined)[] }> {
  const processes: S[] = [];
  const faults: (DeliveryFaults | undefined)[] = [];
  for (let index = 0; index < count; index += 1) {
    const made = await makeBus();
    processes.push(await serve({ bus: wrap(made.bus) }));
    faults.push(made.faults);
  }
  return { processes, faults };
}

async function closeAll(processes: readonly Served[]): Promise<void> {
  await Promise.all(processes.map((process) => process.close()));
}

/** The memory bus: one process (a second one would not share its log). */
export function memoryTarget(): BusTarget {
  return {
    name: 'the memory bus',
    processes: 1,
    partitions: 'one',
    restarts: true,
    setUp: async () => {},
    tearDown: async () => {},
    async start(serve, options = {}) {
      const wrap = options.wrap ?? ((bus) => bus);
      const count = options.processes ?? 1;
      const made = () => startProcesses(serve, count, async () => ({ bus: new MemoryBus(options.history) }), wrap);
      const { processes } = await made();
      return {
        processes,
        faults: () => undefined,
        async restartEmpty() {
          await closeAll(processes);
          processes.splice(0, processes.length, ...(await made()).processes);
        },
        close: () => closeAll(processes),
      };
    },
  };
}

/** Buses on one Redis the target started, optionally each behind {@link faultyBus}. */
function oneRedisTarget(name: string, faulty: boolean): BusTarget {
  let redis: RedisServer | undefined;
  const server = (): RedisServer => {
    if (!redis) throw new Error(`${name}: setUp() has not run`);
    return redis;
  };
  return {
    name,
    processes: 3,
    partitions: faulty ? 'several' : 'one',
    restarts: true,
    async setUp() {
      redis = await RedisServer.start();
    },
    async tearDown() {
      await redis?.dispose();
      redis = undefined;
    },
    async start(serve, options = {}) {
      worlds += 1;
      const keyPrefix = `w${worlds}:`;
      const buses: RedisBus[] = [];
      const { processes, faults } = await startProcesses(
        serve,
        options.processes ?? 3,
        async () => {
          const bus = new RedisBus({ url: server().url, keyPrefix, history: options.history, ...REDIS_TIMEOUTS });
          await bus.ready();
          buses.push(bus);
          if (!faulty) return { bus };
          const wrapped = faultyBus(bus, latencyByName);
          return { bus: wrapped, faults: wrapped.faults };
        },
        options.wrap ?? ((bus) => bus),
      );
      return {
        processes,
        faults: (index) => faults[index],
        async restartEmpty() {
          await server().stop();
          await server().start();
          const deadline = Date.now() + RECONNECT_MS;
          while (!buses.every((bus) => bus.state().connected)) {
            if (Date.now() > deadline)
              throw new Error(
                `the buses did not reconnect within ${RECONNECT_MS} ms: ${JSON.stringify(buses.map((bus) => bus.state()))}\n${server().logTail()}`,
              );
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
        close: () => closeAll(processes),
      };
    },
  };
}

/**
 * Buses on a Redis Cluster of 3 masters and 3 replicas (one rig for the file). Each bus is behind a
 * {@link faultyBus} with no latency: its deliveries pass untouched, but a test can hold one
 * channel's, as a lagging reader of that channel's bucket would.
 */
export function clusterTarget(): BusTarget {
  let rig: RedisClusterRig | undefined;
  return {
    name: 'a Redis Cluster (3+3)',
    processes: 3,
    partitions: 'several',
    restarts: false,
    async setUp() {
      rig = await RedisClusterRig.start();
    },
    async tearDown() {
      await rig?.dispose();
      rig = undefined;
    },
    async start(serve, options = {}) {
      if (!rig) throw new Error('the cluster target: setUp() has not run');
      const rootNodes = rig.rootNodes;
      worlds += 1;
      const keyPrefix = `w${worlds}:`;
      const { processes, faults } = await startProcesses(
        serve,
        options.processes ?? 3,
        async () => {
          const bus = new RedisBus({ cluster: { rootNodes }, keyPrefix, history: options.history, ...REDIS_TIMEOUTS });
          await bus.ready();
          const wrapped = faultyBus(bus, () => 0);
          return { bus: wrapped, faults: wrapped.faults };
        },
        options.wrap ?? ((bus) => bus),
      );
      return { processes, faults: (index) => faults[index], restartEmpty: undefined, close: () => closeAll(processes) };
    },
  };
}

/**
 * The four targets, fresh for one file: the memory bus, one Redis (3 processes), a Redis Cluster
 * 3+3 (3 processes), and one Redis whose processes' live delivery is delayed per channel by
 * different latencies ({@link faultyBus}), so channels overtake one another as a cluster's buckets can.
 */
export function busTargets(): BusTarget[] {
  return [memoryTarget(), redisTarget(), clusterTarget(), latencyTarget()];
}

/** One Redis the target starts, 3 processes. */
export function redisTarget(): BusTarget {
  return oneRedisTarget('one Redis', false);
}

/** One Redis, 3 processes, each delivering live events after a latency per channel ({@link faultyBus}). */
export function latencyTarget(): BusTarget {
  return oneRedisTarget('one Redis with per-channel delivery latency', true);
}

/** For `describe.each`: each target as `{ name, target }`. */
export function eachBusTarget(): { name: string; target: BusTarget }[] {
  return busTargets().map((target) => ({ name: target.name, target }));
}
