/**
 * The `keepalive` scenario (opt-in: `--scenarios=keepalive`, issue 26): do keep-alive rounds
 * disturb live traffic on 19,700 busy streams, and does every silent stream still get its heartbeat?
 *
 * Ours on Express holds 19,700 streams, each on one of 50 channels, plus 100 probe streams on all
 * 50. A plan publishes 20 events/s, one channel after the other, so each probe stream receives
 * every event and each of the 19,700 one every 2.5 s: written to within the interval, so the skip
 * rule leaves their heartbeats to ride on their next event. (All 20 events/s to all 19,700 streams,
 * 394,000 writes/s, would take the server's whole core and measure that, not the rounds.) The probes' live p99 is measured in two
 * fresh server processes with the same load, one whose keep-alive rounds run every 5 s (four in
 * the 20 s window) and one whose interval (1 h) lets no round run: the ratio is what the rounds cost.
 * Before any event, both processes hold the 19,700 silent (0 events/s) for five intervals; in the
 * one with rounds, each stream's longest wait for a heartbeat over the last three is timed.
 */
import { BenchChild } from './benchChild';
import type {
  DeliveryResult,
  HoldResult,
  LoadCommand,
  LoadReply,
  PublishPlan,
  ServerCommand,
  ServerReply,
} from './benchProtocol';
import { type ChildPlacement, childCpuSeconds, cpuMicros, type Measurement } from './measureScenario';
import { minimumDataLength } from './payloads';
import { SOURCE_ADDRESSES, WANTED_OPEN_FILES } from './scale100k';
import { benchChannels, channelsPath } from './servers/benchServer';

/** The streams held besides the probes (what one process's 20,000 open files leave). */
export const HELD_STREAMS = 19_700;
/** Keep-alive interval of the process whose rounds run. */
export const ROUNDS_INTERVAL_MS = 5000;
/**
 * The longest wait for a heartbeat that counts as within the interval: the interval itself, as a
 * proxy's idle timeout counts it (rounds run 2 % shorter, so late timers and the spacing of slices
 * fit in it).
 */
export const HEARTBEAT_WAIT_LIMIT_MS = ROUNDS_INTERVAL_MS;
/** Keep-alive interval of the quiet process: its first round would start an hour after the first stream. */
const QUIET_INTERVAL_MS = 3_600_000;
/** Channels the held streams are spread over (394 each); the plan publishes on each in turn. */
export const CHANNELS = 50;
/** Events a second of the plan, all channels together. */
export const EVENTS_PER_SECOND = 20;
/** The measured window: several rounds fall in it. */
export const WINDOW_MS = 20_000;
/** How long the held streams stay silent while their heartbeats are timed. */
export const SILENT_HOLD_MS = 3 * ROUNDS_INTERVAL_MS;
/**
 * Before that, two intervals of silence not timed: a stream written to within the interval before
 * a round carries its heartbeat to its next write, or, silent, gets it one round later.
 */
const SETTLE_MS = 2 * ROUNDS_INTERVAL_MS;
const PROBE_STREAMS = 100;
/** File descriptors left for the process itself (IPC, listening socket, libuv). */
const FD_RESERVE = 200;
const CONNECT_CONCURRENCY = 256;
const CONNECT_TIMEOUT_MS = 150_000;
const STEP_TIMEOUT_MS = 30_000;

/** `durationMs` of events at {@link EVENTS_PER_SECOND}, stamped with the time each was due. */
function planOf(durationMs: number): PublishPlan {
  const intervalMs = 1000 / EVENTS_PER_SECOND;
  return { count: durationMs / intervalMs, batchSize: 1, intervalMs, payload: 'text128', stampDueTime: true };
}
/** One event on every channel: a plan's events are a whole number of turns round the channels. */
const WARM_UP = planOf(2500);
const WINDOW = planOf(WINDOW_MS);

/** The two processes, in the order a repeat runs them. */
type Variant = 'rounds' | 'quiet';

/**
 * Runs the scenario once: the process with rounds and the quiet one, each fresh, in turn (the
 * quiet one first on even repeats, so neither always runs on a machine warmed by the other).
 */
export async function measureKeepAliveRounds(setup: ChildPlacement, repeat: number): Promise<Measurement> {
  const measurement: Measurement = {
    scenario: 'keepalive',
    server: 'ours',
    figures: {},
    problems: [],
    childCpuSeconds: 0,
  };
  const order: Variant[] = repeat % 2 === 1 ? ['rounds', 'quiet'] : ['quiet', 'rounds'];
  for (const variant of order) await measureVariant(variant, setup, measurement);
  const { figures } = measurement;
  figures.p99Ratio = (figures.roundsP99Ms ?? Number.NaN) / (figures.quietP99Ms ?? Number.NaN);
  return measurement;
}

/** One server process: hold the streams silent (timing heartbeats, where rounds run), then the live window. */
async function measureVariant(variant: Variant, setup: ChildPlacement, measurement: Measurement): Promise<void> {
  const intervalMs = variant === 'rounds' ? ROUNDS_INTERVAL_MS : QUIET_INTERVAL_MS;
  const server = new BenchChild<ServerCommand, ServerReply>({
    script: setup.serverScript,
    args: ['ours', String(intervalMs), String(CHANNELS)],
    cpu: setup.serverCpu,
    openFiles: WANTED_OPEN_FILES,
  });
  const load = new BenchChild<LoadCommand, LoadReply>({
    script: setup.loadScript,
    args: [],
    cpu: setup.loadCpu,
    openFiles: WANTED_OPEN_FILES,
  });
  const { figures, problems } = measurement;
  const note = (text: string): number => problems.push(`${variant}: ${text}`);

  /**
   * Publishes `plan` round the channels and checks both groups: every probe stream has every event,
   * every held stream its channel's share. With `holdMs`, the held streams' heartbeats are timed meanwhile.
   */
  const deliver = async (plan: PublishPlan, holdMs?: number) => {
    const timeoutMs = plan.count * plan.intervalMs + STEP_TIMEOUT_MS;
    const expect = (group: 'bench' | 'probe') =>
      load.request(
        {
          type: 'expect',
          group,
          firstSequence: 1,
          count: group === 'probe' ? plan.count : plan.count / CHANNELS,
          minDataLength: minimumDataLength(plan.payload),
          recordLatency: group === 'probe',
          timeoutMs,
          sequenceFrom: 'payload',
          payloadStride: group === 'probe' ? 1 : CHANNELS,
        },
        'expecting',
        STEP_TIMEOUT_MS,
      );
    await expect('bench');
    await expect('probe');
    // After the expects: a hold must see the checkers the plan uses.
    if (holdMs !== undefined)
      load.send({ type: 'hold', durationMs: holdMs, group: 'bench', silenceLimitMs: HEARTBEAT_WAIT_LIMIT_MS });
    server.send({ type: 'publish', plan });
    const received = new Map<string, DeliveryResult>();
    for (let reply = 0; reply < 2; reply += 1) {
      const delivery = await load.next('received', timeoutMs + STEP_TIMEOUT_MS);
      received.set(delivery.group, delivery);
    }
    await server.next('published', timeoutMs + STEP_TIMEOUT_MS);
    const held = holdMs === undefined ? undefined : await load.next('held', holdMs + STEP_TIMEOUT_MS);
    for (const [group, delivery] of received) {
      const faults = delivery.missing + delivery.duplicates + delivery.badData;
      figures.faults = (figures.faults ?? 0) + faults;
      if (faults > 0 || delivery.timedOut || delivery.closed > 0)
        note(
          `${group}: ${delivery.missing} lost, ${delivery.duplicates} duplicated, ${delivery.badData} cut short, ${delivery.closed} closed${delivery.timedOut ? `, not all within ${timeoutMs} ms` : ''}`,
        );
    }
    return { probe: received.get('probe'), held };
  };
  const hold = (durationMs: number): Promise<HoldResult> =>
    load.request(
      { type: 'hold', durationMs, group: 'bench', silenceLimitMs: HEARTBEAT_WAIT_LIMIT_MS },
      'held',
      durationMs + STEP_TIMEOUT_MS,
    );

  try {
    const ready = await server.next('ready', STEP_TIMEOUT_MS);
    const loadReady = await load.next('ready', STEP_TIMEOUT_MS);
    const limit = Math.min(ready.openFileLimit ?? WANTED_OPEN_FILES, loadReady.openFileLimit ?? WANTED_OPEN_FILES);
    const perChannel = Math.floor(Math.min(HELD_STREAMS, limit - PROBE_STREAMS - FD_RESERVE) / CHANNELS);
    if (perChannel * CHANNELS < HELD_STREAMS)
      note(`open-files limit (ulimit -n) is ${limit}: ${perChannel * CHANNELS} streams held, not ${HELD_STREAMS}`);

    const probes = await load.request(
      {
        type: 'connect',
        port: ready.port,
        path: channelsPath(benchChannels(CHANNELS)),
        count: PROBE_STREAMS,
        concurrency: 50,
        timeoutMs: STEP_TIMEOUT_MS,
        group: 'probe',
      },
      'connected',
      STEP_TIMEOUT_MS * 2,
    );
    let open = 0;
    for (const channel of benchChannels(CHANNELS)) {
      const connected = await load.request(
        {
          type: 'connect',
          port: ready.port,
          path: channelsPath([channel]),
          count: perChannel,
          concurrency: CONNECT_CONCURRENCY,
          timeoutMs: CONNECT_TIMEOUT_MS,
          sourceAddresses: SOURCE_ADDRESSES,
        },
        'connected',
        CONNECT_TIMEOUT_MS + STEP_TIMEOUT_MS,
      );
      if (connected.failed > 0) note(`${connected.failed} connections failed (first: ${connected.firstError})`);
      open = connected.open;
    }
    const registered = await server.request(
      { type: 'awaitConnections', count: probes.open + open, timeoutMs: STEP_TIMEOUT_MS },
      'connections',
      STEP_TIMEOUT_MS * 2,
    );
    if (registered.count < probes.open + open)
      note(`server registered ${registered.count} of ${probes.open + open} streams`);
    figures[`${variant}Streams`] = open;

    // The same silent spell in both processes, so both start the window as long after connecting.
    await hold(SETTLE_MS);
    const silent = await hold(SILENT_HOLD_MS);
    if (variant === 'rounds') {
      figures.silentHeld = silent.open;
      figures.silentKeptAlive = silent.withKeepAlive;
      figures.silentLongestMs = silent.longestSilenceMs ?? Number.NaN;
      figures.silentOverLimit = silent.overSilenceLimit ?? Number.NaN;
    }

    // Warms up both processes (and makes every held stream busy); not counted.
    await deliver(WARM_UP);
    const cpu = () =>
      Promise.all([
        server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS),
        load.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS),
      ]);
    const [serverBefore, loadBefore] = await cpu();
    const window = await deliver(WINDOW, variant === 'rounds' ? WINDOW_MS : undefined);
    const [serverAfter, loadAfter] = await cpu();
    figures[`${variant}ServerCpuMs`] = (cpuMicros(serverAfter) - cpuMicros(serverBefore)) / 1000;
    // The probes' latency is also the load generator's: it reads every heartbeat too.
    figures[`${variant}LoadCpuMs`] = (cpuMicros(loadAfter) - cpuMicros(loadBefore)) / 1000;
    const latency = window.probe?.latency;
    figures[`${variant}P50Ms`] = latency?.p50 ?? Number.NaN;
    figures[`${variant}P99Ms`] = latency?.p99 ?? Number.NaN;
    figures[`${variant}MaxMs`] = latency?.max ?? Number.NaN;
    if (window.held) {
      figures.busyKeptAlive = window.held.withKeepAlive;
      figures.busyLongestMs = window.held.longestSilenceMs ?? Number.NaN;
    }
    measurement.childCpuSeconds += await childCpuSeconds(server, load);
  } catch (error) {
    note((error as Error).message);
  } finally {
    // The server closes first, so TIME_WAIT lands on its port rather than on client ports.
    await server.stop();
    await load.stop();
  }
}
