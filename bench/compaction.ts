/**
 * The `compaction` scenario (issue 24): a dashboard channel publishes 20 figures once a second; a
 * client away for 60 s resumes with `Last-Event-ID` (see `dashboardFigures.tsx`). Measured,
 * with the figures unkeyed and then keyed (each in fresh processes, the same history size): the
 * events and bytes the client is replayed until its page shows the current value of every figure,
 * the time that takes, and the server CPU per resume.
 */
import { BenchChild } from './benchChild';
import { median } from './benchmarkTable';
import type { LoadCommand, LoadReply, ServerCommand, ServerKind, ServerReply } from './benchProtocol';
import { DASHBOARD_PATH, FIGURE_COUNT, FIGURE_MODES, type FigureMode } from './dashboardFigures';
import { type ChildPlacement, childCpuSeconds, cpuMicros, type Measurement } from './measureScenario';
import type { ResumeResult } from './resumingClient';

/** The servers that have keys: this library on the in-memory bus and on Redis. */
export const COMPACTION_SERVERS: readonly ServerKind[] = ['ours', 'ours-redis'];
/** History per channel in both modes: unkeyed, the missed minute (1,200 events) must fit. */
export const COMPACTION_HISTORY_SIZE = 2000;
/** Resumes per process that warm it up (compile the replay path) and are not counted. */
export const WARM_UP_RESUMES = 5;
/** Resumes measured per process, after the warm-up. */
export const MEASURED_RESUMES = 15;

const KEEP_ALIVE_MS = 15_000;
const STEP_TIMEOUT_MS = 15_000;
const RESUME_TIMEOUT_MS = 10_000;

/** The name of a figure of `mode` in a measurement, e.g. `keyedEvents`. */
export function compactionFigure(mode: FigureMode, name: 'Events' | 'Bytes' | 'CompleteMs' | 'CpuMs'): string {
  return `${mode}${name}`;
}

/** Runs both modes of the scenario against one server, each mode in fresh processes. */
export async function measureCompaction(kind: ServerKind, setup: ChildPlacement): Promise<Measurement> {
  const measurement: Measurement = {
    scenario: 'compaction',
    server: kind,
    figures: {},
    problems: [],
    childCpuSeconds: 0,
  };
  for (const mode of FIGURE_MODES) await measureMode(kind, mode, setup, measurement);
  return measurement;
}

async function measureMode(
  kind: ServerKind,
  mode: FigureMode,
  setup: ChildPlacement,
  measurement: Measurement,
): Promise<void> {
  const server = new BenchChild<ServerCommand, ServerReply>({
    script: setup.serverScript,
    args: [kind, String(KEEP_ALIVE_MS), '1', String(COMPACTION_HISTORY_SIZE)],
    cpu: setup.serverCpu,
    openFiles: 1024,
  });
  const load = new BenchChild<LoadCommand, LoadReply>({
    script: setup.loadScript,
    args: [],
    cpu: setup.loadCpu,
    openFiles: 1024,
  });
  const { figures, problems } = measurement;
  try {
    const { port } = await server.next('ready', STEP_TIMEOUT_MS);
    await load.next('ready', STEP_TIMEOUT_MS);
    const { cursor, missed } = await server.request(
      { type: 'publishFigures', keyed: mode === 'keyed' },
      'figuresPublished',
      STEP_TIMEOUT_MS,
    );
    const resume = (): Promise<ResumeResult> =>
      load.request(
        { type: 'resume', port, path: DASHBOARD_PATH, lastEventId: cursor, timeoutMs: RESUME_TIMEOUT_MS },
        'resumed',
        RESUME_TIMEOUT_MS + STEP_TIMEOUT_MS,
      );
    for (let count = 0; count < WARM_UP_RESUMES; count += 1) await resume();
    const results: ResumeResult[] = [];
    const cpuBefore = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
    for (let count = 0; count < MEASURED_RESUMES; count += 1) results.push(await resume());
    const cpuAfter = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
    figures[compactionFigure(mode, 'Events')] = median(results.map((result) => result.events));
    figures[compactionFigure(mode, 'Bytes')] = median(results.map((result) => result.bytes));
    figures[compactionFigure(mode, 'CompleteMs')] = median(results.map((result) => result.completeMs));
    figures[compactionFigure(mode, 'CpuMs')] = (cpuMicros(cpuAfter) - cpuMicros(cpuBefore)) / 1000 / MEASURED_RESUMES;
    const expected = mode === 'keyed' ? FIGURE_COUNT : missed;
    for (const result of results) {
      const wrong = [
        result.complete ? '' : `page not complete within ${RESUME_TIMEOUT_MS} ms`,
        result.gaps > 0 ? `${result.gaps} gap events` : '',
        result.otherEvents > 0 ? `${result.otherEvents} events that are no figure` : '',
        result.events !== expected ? `${result.events} events replayed, not ${expected}` : '',
      ].filter(Boolean);
      if (wrong.length > 0) problems.push(`${mode}: ${wrong.join(', ')}`);
    }
    measurement.childCpuSeconds += await childCpuSeconds(server, load);
  } catch (error) {
    problems.push(`${mode}: ${(error as Error).message}`);
  } finally {
    await server.stop();
    await load.stop();
  }
}
