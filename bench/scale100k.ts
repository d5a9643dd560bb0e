/**
 * The `scale100k` scenario (opt-in: `--scenarios=scale100k`): up to 100,000 idle streams on one
 * server process, from several loopback source addresses so ephemeral ports do not run out. It
 * measures the connect rate, heap and RSS per stream at a quarter, half and all of the streams,
 * the time until the last stream has one 1 KB event, the server CPU of one keep-alive round, and
 * the p99 latency of live events on 100 probe streams with and without a keep-alive round.
 */
import { BenchChild } from './benchChild';
import type { LoadCommand, LoadReply, PublishPlan, ServerCommand, ServerKind, ServerReply } from './benchProtocol';
import { type ChildPlacement, childCpuSeconds, cpuMicros, type Measurement } from './measureScenario';
import { minimumDataLength } from './payloads';
import { PROBE_PATH, STREAM_PATH } from './servers/benchServer';

/** The streams the scenario aims for. */
export const TARGET_STREAMS = 100_000;
/** Where each figure is taken, as a fraction of the streams reached. */
export const STEPS = [0.25, 0.5, 1] as const;
/** The servers compared: the practical limit and ours on Express and on node:http. */
export const SCALE_SERVERS: readonly ServerKind[] = ['raw', 'ours', 'ours-node-http'];
/** Keep-alive interval of every server: one probe plan spans one round. */
export const KEEP_ALIVE_MS = 5000;
/** Open files each child asks for (the launcher falls back to the hard limit). */
export const WANTED_OPEN_FILES = TARGET_STREAMS + 10_000;

const PROBE_STREAMS = 100;
/** File descriptors left for the process itself (IPC, listening socket, libuv). */
const FD_RESERVE = 200;
/** 127.0.0.2 … 127.0.0.5: about 28,000 ephemeral ports each toward one server port. */
export const SOURCE_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const CONNECT_CONCURRENCY = 256;
const CONNECT_TIMEOUT_MS = 150_000;
const STEP_TIMEOUT_MS = 30_000;
const FAN_OUT_TIMEOUT_MS = 60_000;
/** One live event every 25 ms for one keep-alive interval, stamped with its due time. */
const PROBE_PLAN: PublishPlan = {
  count: KEEP_ALIVE_MS / 25,
  batchSize: 1,
  intervalMs: 25,
  payload: 'text128',
  stampDueTime: true,
};

/** Runs scale100k against one server, each side in a fresh process, and stops both. */
export async function measureScale100k(kind: ServerKind, setup: ChildPlacement): Promise<Measurement> {
  const server = new BenchChild<ServerCommand, ServerReply>({
    script: setup.serverScript,
    args: [kind, String(KEEP_ALIVE_MS)],
    nodeFlags: ['--expose-gc'],
    cpu: setup.serverCpu,
    openFiles: WANTED_OPEN_FILES,
  });
  const load = new BenchChild<LoadCommand, LoadReply>({
    script: setup.loadScript,
    args: [],
    cpu: setup.loadCpu,
    openFiles: WANTED_OPEN_FILES,
  });
  const measurement: Measurement = {
    scenario: 'scale100k',
    server: kind,
    figures: {},
    problems: [],
    childCpuSeconds: 0,
  };
  const { figures, problems } = measurement;

  /** Publishes a plan on `channel` and returns what the load generator's `group` received. */
  const deliver = async (channel: 'bench' | 'probe', plan: PublishPlan, timeoutMs: number) => {
    await load.request(
      {
        type: 'expect',
        group: channel,
        firstSequence: 1,
        count: plan.count,
        minDataLength: minimumDataLength(plan.payload),
        recordLatency: channel === 'probe',
        timeoutMs,
        // The payload's stamp, not the id: every server numbers its own way.
        sequenceFrom: 'payload',
      },
      'expecting',
      STEP_TIMEOUT_MS,
    );
    server.send({ type: 'publish', plan, channel });
    const delivery = await load.next('received', timeoutMs + STEP_TIMEOUT_MS);
    await server.next('published', timeoutMs + STEP_TIMEOUT_MS);
    const faults = delivery.missing + delivery.duplicates + delivery.badData;
    figures.faults = (figures.faults ?? 0) + faults;
    if (faults > 0 || delivery.timedOut)
      problems.push(
        `${channel}: ${delivery.missing} lost, ${delivery.duplicates} duplicated, ${delivery.badData} cut short${delivery.timedOut ? `, not all within ${timeoutMs} ms` : ''}`,
      );
    return delivery;
  };
  const probeP99 = async (): Promise<number> =>
    (await deliver('probe', PROBE_PLAN, KEEP_ALIVE_MS + STEP_TIMEOUT_MS)).latency?.p99 ?? Number.NaN;
  const memory = () => server.request({ type: 'memory' }, 'memory', STEP_TIMEOUT_MS);

  try {
    const ready = await server.next('ready', STEP_TIMEOUT_MS);
    const loadReady = await load.next('ready', STEP_TIMEOUT_MS);
    const limit = Math.min(ready.openFileLimit ?? WANTED_OPEN_FILES, loadReady.openFileLimit ?? WANTED_OPEN_FILES);
    const streams = Math.max(0, Math.min(TARGET_STREAMS, limit - PROBE_STREAMS - FD_RESERVE));
    figures.openFileLimit = limit;
    if (streams < TARGET_STREAMS)
      problems.push(
        `open-files limit (ulimit -n) is ${limit} and cannot be raised here: ${streams} streams, not ${TARGET_STREAMS}`,
      );

    const probes = await load.request(
      {
        type: 'connect',
        port: ready.port,
        path: PROBE_PATH,
        count: PROBE_STREAMS,
        concurrency: 50,
        timeoutMs: STEP_TIMEOUT_MS,
        group: 'probe',
      },
      'connected',
      STEP_TIMEOUT_MS * 2,
    );
    await server.request(
      { type: 'awaitConnections', count: probes.open, timeoutMs: STEP_TIMEOUT_MS },
      'connections',
      STEP_TIMEOUT_MS * 2,
    );
    // Live latency before the idle streams exist (no keep-alive round worth the name), after one
    // plan that warms up both processes and is not counted.
    await probeP99();
    figures.probeP99QuietMs = await probeP99();

    const before = await memory();
    let open = 0;
    let connectMs = 0;
    for (const fraction of STEPS) {
      const wanted = Math.round(streams * fraction);
      const started = performance.now();
      const connected = await load.request(
        {
          type: 'connect',
          port: ready.port,
          path: STREAM_PATH,
          count: wanted - open,
          concurrency: CONNECT_CONCURRENCY,
          timeoutMs: CONNECT_TIMEOUT_MS,
          sourceAddresses: SOURCE_ADDRESSES,
        },
        'connected',
        CONNECT_TIMEOUT_MS + STEP_TIMEOUT_MS,
      );
      if (connected.failed > 0)
        problems.push(`${connected.failed} connections failed (first: ${connected.firstError})`);
      open = connected.open;
      const registered = await server.request(
        { type: 'awaitConnections', count: probes.open + open, timeoutMs: STEP_TIMEOUT_MS },
        'connections',
        STEP_TIMEOUT_MS * 2,
      );
      connectMs += performance.now() - started;
      if (registered.count < probes.open + open)
        problems.push(`server registered ${registered.count - probes.open} of ${open} streams`);
      const after = await memory();
      const step = `${fraction * 100}`;
      figures[`streamsAt${step}`] = open;
      figures[`heapPerStreamAt${step}`] = (after.heapUsed - before.heapUsed) / open;
      figures[`rssPerStreamAt${step}`] = (after.rss - before.rss) / open;
    }
    figures.streams = open;
    figures.connectPerSecond = open / (connectMs / 1000);

    figures.fanOutMs = (
      await deliver('bench', { count: 1, batchSize: 1, intervalMs: 0, payload: 'text1k' }, FAN_OUT_TIMEOUT_MS)
    ).elapsedMs;

    // One keep-alive interval with nothing else to do: the CPU of one round.
    const cpuBefore = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
    const held = await load.request(
      { type: 'hold', durationMs: KEEP_ALIVE_MS },
      'held',
      KEEP_ALIVE_MS + STEP_TIMEOUT_MS,
    );
    const cpuAfter = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
    figures.keepAliveRoundCpuMs = (cpuMicros(cpuAfter) - cpuMicros(cpuBefore)) / 1000;
    figures.held = held.open;
    figures.keptAlive = held.withKeepAlive;
    if (held.open < open) problems.push(`${open - held.open} streams closed while idle`);

    figures.probeP99RoundMs = await probeP99();
    figures.probeRoundRatio = figures.probeP99RoundMs / figures.probeP99QuietMs;

    measurement.childCpuSeconds = await childCpuSeconds(server, load);
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    await server.stop();
    await load.stop();
  }
  return measurement;
}
