/**
 * The opt-in `slowclients` scenario (issue 24: a slow client's queue): 100 pages read a dashboard
 * channel of 20 figures and 100 stall (they stop reading once the response head is in) while
 * 1,000 seconds of figures are published as fast as the server takes them (20,000 events of about
 * 290 bytes, well past what the kernel and the 1 MiB cap hold for a stalled client). Then the
 * stalled pages read again, and one whose stream was evicted comes back with `Last-Event-ID`.
 * Measured with the figures unkeyed and keyed, each in fresh processes: the pages evicted, the
 * server CPU per figure delivered to the reading pages, and what a stalled page read, and how
 * long it took, until it showed the current value of every figure (or, evicted and past what
 * history holds, got a gap: only a reload completes it then).
 */
import { BenchChild } from './benchChild';
import type { LoadCommand, LoadReply, ServerCommand, ServerReply } from './benchProtocol';
import { DASHBOARD_PATH, FIGURE_MODES, type FigureMode } from './dashboardFigures';
import { type ChildPlacement, childCpuSeconds, cpuMicros, type Measurement } from './measureScenario';

/** Pages that read, and pages that stall. */
export const READING_PAGES = 100;
/** Pages that stop reading until the figures are all published. */
export const STALLED_PAGES = 100;
/** Seconds of figures published while the stalled pages do not read. */
export const PUBLISHED_SECONDS = 1000;

const KEEP_ALIVE_MS = 15_000;
const STEP_TIMEOUT_MS = 15_000;
const PUBLISH_TIMEOUT_MS = 120_000;
const CATCH_UP_TIMEOUT_MS = 60_000;

/** The figures of one mode in a measurement, e.g. `keyedStalledEvicted`. */
export type SlowClientsFigure =
  | 'ReadingEvicted'
  | 'StalledEvicted'
  | 'StalledGaps'
  | 'CpuNsPerEvent'
  | 'ReadingEvents'
  | 'StalledBytes'
  | 'StalledMs';

/** The name of a figure of `mode` in a measurement. */
export function slowClientsFigure(mode: FigureMode, name: SlowClientsFigure): string {
  return `${mode}${name}`;
}

/** Runs both modes on ours (Express, in-memory bus), each mode in fresh processes. */
export async function measureSlowClients(setup: ChildPlacement): Promise<Measurement> {
  const measurement: Measurement = {
    scenario: 'slowclients',
    server: 'ours',
    figures: {},
    problems: [],
    childCpuSeconds: 0,
  };
  for (const mode of FIGURE_MODES) await measureMode(mode, setup, measurement);
  return measurement;
}

async function measureMode(mode: FigureMode, setup: ChildPlacement, measurement: Measurement): Promise<void> {
  const server = new BenchChild<ServerCommand, ServerReply>({
    script: setup.serverScript,
    args: ['ours', String(KEEP_ALIVE_MS)],
    cpu: setup.serverCpu,
    openFiles: 4096,
  });
  const load = new BenchChild<LoadCommand, LoadReply>({
    script: setup.loadScript,
    args: [],
    cpu: setup.loadCpu,
    openFiles: 4096,
  });
  const { figures, problems } = measurement;
  const figure = (name: SlowClientsFigure, value: number): void => {
    // A NaN crosses IPC as null.
    figures[slowClientsFigure(mode, name)] = Number.isFinite(value) ? value : Number.NaN;
  };
  try {
    const { port } = await server.next('ready', STEP_TIMEOUT_MS);
    await load.next('ready', STEP_TIMEOUT_MS);
    const pages = READING_PAGES + STALLED_PAGES;
    const { open } = await load.request(
      {
        type: 'openDashboards',
        port,
        path: DASHBOARD_PATH,
        reading: READING_PAGES,
        stalled: STALLED_PAGES,
        lastSecond: PUBLISHED_SECONDS,
        timeoutMs: STEP_TIMEOUT_MS,
      },
      'dashboardsOpen',
      STEP_TIMEOUT_MS * 2,
    );
    const registered = await server.request(
      { type: 'awaitConnections', count: open, timeoutMs: STEP_TIMEOUT_MS },
      'connections',
      STEP_TIMEOUT_MS * 2,
    );
    if (open < pages || registered.count < pages) problems.push(`${mode}: ${registered.count} of ${pages} pages open`);

    const cpuBefore = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
    await server.request(
      { type: 'publishFigures', keyed: mode === 'keyed', seconds: PUBLISHED_SECONDS },
      'figuresPublished',
      PUBLISH_TIMEOUT_MS,
    );
    const reading = await load.request(
      { type: 'awaitReading', timeoutMs: CATCH_UP_TIMEOUT_MS },
      'readingDone',
      CATCH_UP_TIMEOUT_MS + STEP_TIMEOUT_MS,
    );
    const cpuAfter = await server.request({ type: 'cpu' }, 'cpu', STEP_TIMEOUT_MS);
    const stalled = await load.request(
      { type: 'resumeStalled', timeoutMs: CATCH_UP_TIMEOUT_MS },
      'stalledResumed',
      CATCH_UP_TIMEOUT_MS + STEP_TIMEOUT_MS,
    );

    figure('ReadingEvicted', reading.evicted);
    figure('StalledEvicted', stalled.evicted);
    figure('StalledGaps', stalled.gaps);
    figure('CpuNsPerEvent', ((cpuMicros(cpuAfter) - cpuMicros(cpuBefore)) * 1000) / reading.events);
    figure('ReadingEvents', reading.events / READING_PAGES);
    figure('StalledBytes', stalled.medianBytes);
    figure('StalledMs', stalled.medianMs);
    if (reading.complete + reading.evicted < READING_PAGES)
      problems.push(`${mode}: ${READING_PAGES - reading.complete - reading.evicted} reading pages never completed`);
    if (stalled.complete + stalled.gaps < STALLED_PAGES)
      problems.push(
        `${mode}: ${STALLED_PAGES - stalled.complete - stalled.gaps} stalled pages neither completed nor got a gap once resumed`,
      );
    measurement.childCpuSeconds += await childCpuSeconds(server, load);
  } catch (error) {
    problems.push(`${mode}: ${(error as Error).message}`);
  } finally {
    await server.stop();
    await load.stop();
  }
}
