/**
 * `npm run bench`: every scenario of issue 3 against every server, each in fresh processes
 * (server pinned to one core, load generator to the other), servers alternating within each
 * repeat, three repeats; prints the table of medians and ratios and writes it into BENCHMARKS.md.
 *
 * The `compaction` scenario (issue 24, `compaction.ts`: a dashboard client resuming after a minute
 * away, its figures unkeyed and keyed) runs first in each repeat, on ours with the in-memory and the
 * Redis bus, and writes its own table; `--scenarios=compaction` runs it alone.
 *
 * `--scenarios=slowclients` (opt-in) runs issue 24's slow-client scenario once per repeat, on ours,
 * and writes its own table (see `slowClients.ts`).
 *
 * `--scenarios=scale100k` (opt-in, never part of the default run) runs issue 17's 100,000-stream
 * scenario once per server and writes its own table (see `scale100k.ts`).
 * `--scenarios=views` (opt-in) runs issue 25's views scenario once per repeat, on its own three
 * servers (`servers/oursViewsServer.tsx`), and writes its own table (`viewsTable.ts`).
 * `--scenarios=keepalive` (opt-in) runs issue 26's keep-alive scenario once per repeat, on ours (a
 * process with rounds and a quiet one), and writes its own table (`keepAliveRounds.ts`).
 * `--scenarios=scalemachine` (opt-in, once, whatever `--repeats` says) runs issue 26's 100,000 streams
 * over several processes on Redis and its one-process in-memory baseline, and writes its own table
 * (`scaleMachine.ts`); `--processes=N` (default 5) sets the Redis run's server processes.
 *
 * Flags: `--repeats=N` (default 3), `--scenarios=a,b`, `--servers=a,b`, `--budget-minutes=M`
 * (default 10: later repeats are skipped, and said so, when the next would overrun),
 * `--profile=DIR` (`--cpu-prof` of the servers), `--no-write` (leave BENCHMARKS.md alone).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BenchmarkResults } from './benchmarkTable';
import type { ServerKind } from './benchProtocol';
import { buildChildren } from './buildChildren';
import { COMPACTION_SERVERS, measureCompaction } from './compaction';
import { compactionTable } from './compactionTable';
import { measureKeepAliveRounds } from './keepAliveRounds';
import { keepAliveRoundsTable } from './keepAliveRoundsTable';
import { describeMachine, loadAverage, machineCpuTimes } from './machineLoad';
import { type Measurement, measureScenario } from './measureScenario';
import { type BenchRedis, startBenchRedis } from './redisServerProcess';
import { measureScale100k, SCALE_SERVERS } from './scale100k';
import { scale100kTable } from './scale100kTable';
import { DEFAULT_PROCESSES, machineLayout, measureScaleMachine } from './scaleMachine';
import { scaleMachineTable } from './scaleMachineTable';
import { SCENARIOS, type ScenarioName, SERVER_KINDS, VIEWS } from './scenarios';
import { measureSlowClients } from './slowClients';
import { slowClientsTable } from './slowClientsTable';
import { viewsTable } from './viewsTable';

const ROOT = join(__dirname, '..');
const LATEST_TABLE = 'latest';
const SCALE_TABLE = 'scale100k';
const COMPACTION_TABLE = 'compaction';
const SLOW_CLIENTS_TABLE = 'slowclients';
const VIEWS_TABLE = 'views';
const KEEP_ALIVE_TABLE = 'keepalive';
const SCALE_MACHINE_TABLE = 'scalemachine';
const WANTED_OPEN_FILES = 65_536;
/** Whole-run bound even if the budget flag is raised. */
const MAX_BUDGET_MINUTES = 60;

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((argument) => argument.startsWith(prefix))?.slice(prefix.length);
}

function listFlag<T extends string>(name: string, all: readonly T[], defaults: readonly T[] = all): T[] {
  const value = flag(name);
  if (value === undefined) return [...defaults];
  const wanted = value.split(',') as T[];
  const unknown = wanted.filter((item) => !all.includes(item));
  if (unknown.length > 0) throw new TypeError(`--${name}: unknown ${unknown.join(', ')}; use ${all.join(', ')}`);
  return wanted;
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const repeats = Number(flag('repeats') ?? 3);
  const budgetMinutes = Math.min(MAX_BUDGET_MINUTES, Number(flag('budget-minutes') ?? 10));
  if (!Number.isSafeInteger(repeats) || repeats < 1 || repeats > 10)
    throw new TypeError(`--repeats must be 1..10, got ${flag('repeats')}`);
  if (!(budgetMinutes > 0)) throw new TypeError(`--budget-minutes must be positive, got ${flag('budget-minutes')}`);
  const standardNames = SCENARIOS.map((scenario) => scenario.name);
  const scenarioNames = listFlag<ScenarioName>(
    'scenarios',
    [...standardNames, 'compaction', 'slowclients', 'scale100k', 'views', 'keepalive', 'scalemachine'],
    [...standardNames, 'compaction'],
  );
  const standard = SCENARIOS.filter((candidate) => scenarioNames.includes(candidate.name));
  const compaction = scenarioNames.includes('compaction');
  let servers = listFlag<ServerKind>('servers', SERVER_KINDS);
  const slowClients = scenarioNames.includes('slowclients') && servers.includes('ours');
  const machine = scenarioNames.includes('scalemachine')
    ? machineLayout(Number(flag('processes') ?? DEFAULT_PROCESSES))
    : undefined;
  const profileDir = flag('profile');
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const pinned = hasTaskset() && availableParallelism() >= 2;
  const scripts = await buildChildren(ROOT);
  const notes: string[] = [];
  let redis: BenchRedis | undefined;
  if (servers.includes('ours-redis') && (standard.length > 0 || compaction)) {
    const started = await startBenchRedis(pinned ? 0 : undefined);
    if (typeof started === 'string') {
      servers = servers.filter((server) => server !== 'ours-redis');
      notes.push(`The Redis-bus variant was left out: ${started}.`);
    } else {
      redis = started;
      // Children inherit the environment: the Redis-bus server reads its URL from it.
      process.env.BENCH_REDIS_URL = redis.url;
      notes.push(
        'The Redis-bus variant used a redis-server started for the run, on the server\'s core; its CPU is not in "server CPU".',
      );
    }
  }
  const setup = {
    ...scripts,
    serverCpu: pinned ? 0 : undefined,
    loadCpu: pinned ? 1 : undefined,
    openFiles: WANTED_OPEN_FILES,
    cpuProfileDir: profileDir,
  };
  const started = Date.now();
  const deadline = started + budgetMinutes * 60_000;
  const cpuBefore = machineCpuTimes();
  const loadBefore = loadAverage();
  const ownCpuBefore = process.cpuUsage();
  log(
    `bench: ${describeMachine()}; ${pinned ? 'server on CPU 0, load generator on CPU 1' : 'not pinned (no taskset or one core)'}; load average ${loadBefore}`,
  );

  const measurements: Measurement[] = [];
  const longest = new Map<ScenarioName, number>();
  const skipped: string[] = [];
  try {
    for (let repeat = 1; repeat <= repeats; repeat += 1) {
      // A few seconds a repeat: first, so the budget never skips it.
      for (const server of compaction ? COMPACTION_SERVERS.filter((candidate) => servers.includes(candidate)) : []) {
        const runStarted = Date.now();
        const measurement = await measureCompaction(server, setup);
        measurements.push(measurement);
        log(`[${repeat}/${repeats}] ${describeRun(measurement, Date.now() - runStarted)}`);
      }
      if (slowClients) {
        const runStarted = Date.now();
        const measurement = await measureSlowClients(setup);
        measurements.push(measurement);
        log(`[${repeat}/${repeats}] ${describeRun(measurement, Date.now() - runStarted)}`);
      }
      if (scenarioNames.includes('keepalive')) {
        const runStarted = Date.now();
        const measurement = await measureKeepAliveRounds(setup, repeat);
        measurements.push(measurement);
        log(`[${repeat}/${repeats}] ${describeRun(measurement, Date.now() - runStarted)}`);
      }
      // Its own servers (rendered once, per audience, per stream), whatever --servers says.
      for (const server of scenarioNames.includes('views') ? VIEWS.servers : []) {
        const runStarted = Date.now();
        const measurement = await measureScenario(VIEWS, server, setup);
        measurements.push(measurement);
        log(`[${repeat}/${repeats}] ${describeRun(measurement, Date.now() - runStarted)}`);
      }
      for (const scenario of standard) {
        for (const server of servers.filter((candidate) => scenario.servers.includes(candidate))) {
          const expected = longest.get(scenario.name) ?? 0;
          if (Date.now() + expected > deadline) {
            skipped.push(`${scenario.name}/${server} repeat ${repeat}`);
            continue;
          }
          const runStarted = Date.now();
          const measurement = await measureScenario(scenario, server, setup);
          const took = Date.now() - runStarted;
          longest.set(scenario.name, Math.max(expected, took));
          measurements.push(measurement);
          log(`[${repeat}/${repeats}] ${describeRun(measurement, took)}`);
        }
      }
    }
    if (scenarioNames.includes('scale100k')) {
      for (const server of SCALE_SERVERS.filter((candidate) => servers.includes(candidate))) {
        const runStarted = Date.now();
        const measurement = await measureScale100k(server, setup);
        measurements.push(measurement);
        log(`[scale100k] ${describeRun(measurement, Date.now() - runStarted)}`);
      }
    }
    if (machine) {
      const runStarted = Date.now();
      for (const measurement of await measureScaleMachine(setup, machine, (line) => log(`[scalemachine] ${line}`))) {
        measurements.push(measurement);
        log(`[scalemachine] ${describeRun(measurement, Date.now() - runStarted)}`);
      }
    }
  } finally {
    await redis?.stop();
  }

  const wallSeconds = (Date.now() - started) / 1000;
  const cpuAfter = machineCpuTimes();
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const benchCpuSeconds =
    measurements.reduce((sum, run) => sum + run.childCpuSeconds, 0) + (ownCpu.user + ownCpu.system) / 1e6;
  let loadNote = `load average ${loadBefore} before, ${loadAverage()} after`;
  if (cpuBefore && cpuAfter) {
    const capacity = cpuAfter.total - cpuBefore.total;
    const others = Math.max(0, cpuAfter.busy - cpuBefore.busy - benchCpuSeconds);
    loadNote += `; other processes used about ${Math.round((100 * others) / capacity)}% of the machine's CPU during the run`;
  }

  const results = new BenchmarkResults(measurements);
  const problems = results.problems();
  const runLine = [
    `Run of ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${Math.round(wallSeconds)} s, on ${describeMachine()}.`,
    `${pinned ? 'Servers pinned to CPU 0 and the load generator to CPU 1 (taskset).' : 'Processes not pinned (no taskset).'} Machine load: ${loadNote}.`,
  ].join('\n');
  const problemLines = (
    scenarios: readonly string[],
    none = 'No problems seen: every client received every event once, in order.',
  ): string => {
    const own = problems.filter((problem) => scenarios.includes(problem.slice(0, problem.indexOf(' /'))));
    return own.length > 0 ? `\nProblems seen:\n${own.map((problem) => `- ${problem}`).join('\n')}` : none;
  };
  const sections = new Map<string, string>();
  if (standard.length > 0)
    sections.set(
      LATEST_TABLE,
      [
        runLine,
        '',
        results.table(servers),
        '',
        ...notes,
        skipped.length > 0
          ? `Skipped to stay within ${budgetMinutes} minutes: ${skipped.join(', ')}.`
          : `Every run repeated ${repeats}×.`,
        problemLines(standard.map((scenario) => scenario.name)),
      ].join('\n'),
    );
  if (compaction)
    sections.set(
      COMPACTION_TABLE,
      [
        runLine,
        '',
        compactionTable(measurements),
        '',
        problemLines(
          ['compaction'],
          'No problems seen: every resume completed its page, with the events expected and no gap.',
        ),
      ].join('\n'),
    );
  if (slowClients)
    sections.set(
      SLOW_CLIENTS_TABLE,
      [
        runLine,
        '',
        slowClientsTable(measurements),
        '',
        problemLines(
          ['slowclients'],
          'No problems seen: every page ended with every figure current, or (stalled, evicted and past history) with a gap.',
        ),
      ].join('\n'),
    );
  if (scenarioNames.includes('views'))
    sections.set(VIEWS_TABLE, [runLine, '', viewsTable(measurements), '', problemLines(['views'])].join('\n'));
  if (scenarioNames.includes('keepalive'))
    sections.set(
      KEEP_ALIVE_TABLE,
      [runLine, '', keepAliveRoundsTable(measurements), '', problemLines(['keepalive'])].join('\n'),
    );
  if (machine)
    sections.set(
      SCALE_MACHINE_TABLE,
      [
        // Its processes outnumber the cores: none is pinned, whatever the other scenarios do.
        runLine.replace(
          /(Servers pinned|Processes not pinned)[^.]*\./,
          'No process pinned: more processes than cores.',
        ),
        '',
        scaleMachineTable(measurements),
        '',
        problemLines(['scalemachine']),
      ].join('\n'),
    );
  if (scenarioNames.includes('scale100k'))
    sections.set(SCALE_TABLE, [runLine, '', scale100kTable(measurements), '', problemLines(['scale100k'])].join('\n'));
  for (const section of sections.values()) process.stdout.write(`${section}\n\n`);

  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(
    join(ROOT, 'reports', 'bench-latest.json'),
    JSON.stringify({ started, wallSeconds, loadNote, measurements }, null, 2),
  );
  if (!process.argv.includes('--no-write')) {
    const path = join(ROOT, 'BENCHMARKS.md');
    let text = readFileSync(path, 'utf8');
    for (const [name, section] of sections) text = replaceSection(text, name, section);
    writeFileSync(path, text);
    log(`bench: ${[...sections.keys()].join(' and ')} table written to BENCHMARKS.md`);
  }
}

/** `text` with what stands between the `bench:NAME:start` and `bench:NAME:end` markers replaced. */
function replaceSection(text: string, name: string, section: string): string {
  const startMarker = `<!-- bench:${name}:start -->`;
  const endMarker = `<!-- bench:${name}:end -->`;
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  if (start === -1 || end < start)
    throw new Error(`BENCHMARKS.md has no ${startMarker} … ${endMarker} section to write the table into`);
  return `${text.slice(0, start + startMarker.length)}\n${section}\n${text.slice(end)}`;
}

/** One line of progress: scenario, server, time taken, figures and problems. */
function describeRun(measurement: Measurement, tookMs: number): string {
  const figures = Object.entries(measurement.figures)
    .map(([name, value]) => `${name}=${Number.isInteger(value) ? value : value.toFixed(2)}`)
    .join(' ');
  const problems = measurement.problems.length > 0 ? ` PROBLEMS: ${measurement.problems.join('; ')}` : '';
  return `${measurement.scenario.padEnd(10)} ${measurement.server.padEnd(14)} ${(tookMs / 1000).toFixed(1)}s ${figures}${problems}`;
}

main().catch((error: Error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
