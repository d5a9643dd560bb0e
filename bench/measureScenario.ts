import { BenchChild } from './benchChild';
import type { CpuReply, LoadCommand, LoadReply, ServerCommand, ServerKind, ServerReply } from './benchProtocol';
import { minimumDataLength } from './payloads';
import type { Scenario } from './scenarios';
import { streamPathFor } from './servers/benchServer';

/** Where the bundled child scripts are and how to place them. */
export interface BenchSetup {
  serverScript: string;
  loadScript: string;
  serverCpu: number | undefined;
  loadCpu: number | undefined;
  openFiles: number;
  /** Directory for `--cpu-prof` profiles of the server processes, when profiling. */
  cpuProfileDir: string | undefined;
}

/** Where the runner starts a scenario's two children: their scripts and the cores they are pinned to. */
export type ChildPlacement = Pick<BenchSetup, 'serverScript' | 'loadScript' | 'serverCpu' | 'loadCpu'>;

/** The figures of one run of one scenario against one server. */
export interface Measurement {
  scenario: Scenario['name'];
  server: ServerKind;
  /** Named figures (see `benchmarkTable.ts` for what each row reads). */
  figures: Record<string, number>;
  /** What went wrong, in words (lost events, connections refused, limits hit). */
  problems: string[];
  /** CPU seconds both children used, for the machine-load estimate. */
  childCpuSeconds: number;
}

const CONNECT_CONCURRENCY = 100;
const CONNECT_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 15_000;

/** CPU time of a child's reply, in µs. */
export function cpuMicros(reply: CpuReply): number {
  return reply.userMicros + reply.systemMicros;
}

/** CPU seconds both children used so far, for the machine-load estimate. */
export async function childCpuSeconds(
  server: BenchChild<ServerCommand, ServerReply>,
  load: BenchChild<LoadCommand, LoadReply>,
): Promise<number> {
  const [serverCpu, loadCpu] = await Promise.all([
    server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS),
    load.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS),
  ]);
  return (cpuMicros(serverCpu) + cpuMicros(loadCpu)) / 1e6;
}

/** Runs one scenario against one server, each in its own fresh process, and stops both. */
export async function measureScenario(scenario: Scenario, kind: ServerKind, setup: BenchSetup): Promise<Measurement> {
  const profile = setup.cpuProfileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${setup.cpuProfileDir}`,
        `--cpu-prof-name=${kind}-${scenario.name}-${Date.now()}.cpuprofile`,
      ]
    : [];
  const server = new BenchChild<ServerCommand, ServerReply>({
    script: setup.serverScript,
    args: [kind, String(scenario.keepAliveMs), String(scenario.channelsPerClient ?? 1)],
    nodeFlags: ['--expose-gc', ...profile],
    cpu: setup.serverCpu,
    openFiles: setup.openFiles,
  });
  const load = new BenchChild<LoadCommand, LoadReply>({
    script: setup.loadScript,
    args: [],
    cpu: setup.loadCpu,
    openFiles: setup.openFiles,
  });
  const measurement: Measurement = {
    scenario: scenario.name,
    server: kind,
    figures: {},
    problems: [],
    childCpuSeconds: 0,
  };
  const { figures, problems } = measurement;
  try {
    const ready = await server.next('ready', STEP_TIMEOUT_MS);
    const loadReady = await load.next('ready', STEP_TIMEOUT_MS);
    const limit = Math.min(
      ready.openFileLimit ?? Number.POSITIVE_INFINITY,
      loadReady.openFileLimit ?? Number.POSITIVE_INFINITY,
    );
    if (limit <= scenario.clients)
      problems.push(`open-files limit (ulimit -n) is ${limit}, below ${scenario.clients} connections`);
    const before = scenario.measureMemory
      ? await server.request({ type: 'memory' }, 'memory', STEP_TIMEOUT_MS)
      : undefined;

    const connected = await load.request(
      {
        type: 'connect',
        port: ready.port,
        path: streamPathFor(scenario.channelsPerClient ?? 1),
        count: scenario.clients,
        concurrency: CONNECT_CONCURRENCY,
        timeoutMs: CONNECT_TIMEOUT_MS,
      },
      'connected',
      CONNECT_TIMEOUT_MS + STEP_TIMEOUT_MS,
    );
    figures.connected = connected.open;
    if (connected.failed > 0)
      problems.push(`${connected.failed} of ${scenario.clients} connections failed (first: ${connected.firstError})`);
    const registered = await server.request(
      { type: 'awaitConnections', count: connected.open, timeoutMs: STEP_TIMEOUT_MS },
      'connections',
      STEP_TIMEOUT_MS * 2,
    );
    if (registered.count < connected.open)
      problems.push(`server registered ${registered.count} of ${connected.open} open streams`);

    if (before) {
      const after = await server.request({ type: 'memory' }, 'memory', STEP_TIMEOUT_MS);
      figures.heapPerConnection = (after.heapUsed - before.heapUsed) / connected.open;
      figures.rssPerConnection = (after.rss - before.rss) / connected.open;
    }

    if (scenario.plan) {
      const plan = scenario.plan;
      const cpuBefore = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
      const loadCpuBefore = await load.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
      await load.request(
        {
          type: 'expect',
          firstSequence: 1,
          count: plan.count,
          minDataLength: minimumDataLength(plan.payload),
          recordLatency: scenario.recordLatency,
          timeoutMs: scenario.deliveryTimeoutMs,
          sequenceFrom: kind === 'ours-redis' ? 'payload' : 'id',
        },
        'expecting',
        STEP_TIMEOUT_MS,
      );
      server.send({ type: 'publish', plan });
      const delivery = await load.next('received', scenario.deliveryTimeoutMs + STEP_TIMEOUT_MS);
      await server.next('published', scenario.deliveryTimeoutMs + STEP_TIMEOUT_MS);
      const cpuAfter = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
      const loadCpuAfter = await load.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
      figures.delivered = delivery.delivered;
      figures.cpuNsPerEvent = ((cpuMicros(cpuAfter) - cpuMicros(cpuBefore)) * 1000) / delivery.delivered;
      figures.eventsPerSecond = delivery.delivered / (delivery.elapsedMs / 1000);
      figures.loadGeneratorBusy = (cpuMicros(loadCpuAfter) - cpuMicros(loadCpuBefore)) / 1000 / delivery.elapsedMs;
      figures.faults = delivery.missing + delivery.duplicates + delivery.badData;
      if (delivery.latency) {
        figures.p50Ms = delivery.latency.p50;
        figures.p99Ms = delivery.latency.p99;
        figures.maxMs = delivery.latency.max;
      }
      if (delivery.fanOutMs.length > 0)
        figures.fanOutMs = [...delivery.fanOutMs].sort((a, b) => a - b)[Math.floor(delivery.fanOutMs.length / 2)]!;
      if (delivery.missing > 0)
        problems.push(`${delivery.missing} events lost (e.g. sequence ${delivery.missingExamples.join(', ')})`);
      if (delivery.duplicates > 0)
        problems.push(
          `${delivery.duplicates} events duplicated or out of order (e.g. ${delivery.duplicateExamples.join(', ')})`,
        );
      if (delivery.badData > 0) problems.push(`${delivery.badData} events with truncated data`);
      if (delivery.closed > 0) problems.push(`${delivery.closed} streams closed during the plan`);
      if (delivery.timedOut) problems.push(`not every client had every event within ${scenario.deliveryTimeoutMs} ms`);
    }

    if (scenario.holdMs > 0) {
      const held = await load.request(
        { type: 'hold', durationMs: scenario.holdMs },
        'held',
        scenario.holdMs + STEP_TIMEOUT_MS,
      );
      figures.held = held.withKeepAlive;
      if (held.withKeepAlive < scenario.clients)
        problems.push(`${held.withKeepAlive} of ${scenario.clients} streams held with keep-alives`);
    }
    measurement.childCpuSeconds = await childCpuSeconds(server, load);
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    // The server closes first, so TIME_WAIT lands on its port rather than on client ports.
    await server.stop();
    await load.stop();
  }
  return measurement;
}
