import express, { type Express } from 'express';
import { type Bus, createBroadcaster, sseMiddleware } from '../index';
import { BoardItems } from './board/BoardViews';
import type { Board } from './board/boardNotes';
import { boardRoutes } from './board/boardRoutes';
import { BoardStore } from './board/boardStore';
import { type ControlTimings, controlRoutes } from './controls/controlRoutes';
import { StreamGate } from './controls/streamGate';
import { DashboardFeed, type Dialect } from './dashboardFeed';
import { sendSnapshotOnConnect } from './dashboardSnapshot';
import { connectJobPipeline } from './jobs/jobPipeline';
import { jobRoutes } from './jobs/jobRoutes';
import { JobRunner } from './jobs/jobRunner';
import type { JobStore } from './jobs/jobStore';
import { pageRoutes } from './page/pageRoutes';
import { presenceOf } from './presence/presenceMembers';
import { signInRoutes } from './presence/signInRoutes';
import { refuseCrossSite } from './security/crossSiteGuard';
import { securityHeaders } from './security/securityHeaders';
import { type DemoBroadcaster, type DemoStreamMetadata, streamMetadataOf } from './streamMetadata';
import { metricsRoute } from './system/metricsRoute';
import { startSystemPublisher } from './system/systemPublisher';
import { SystemSampler } from './system/systemSampler';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** Dialect of `/` without `?dialect=`. Default `htmx2`. */
  dialect?: Dialect;
  /** Shows the resilience controls and mounts their routes. Default true. */
  devMode?: boolean;
  /** Bus of the broadcaster (see `createDemoBus`). Default: in memory. */
  bus?: Bus;
  /**
   * The shared board; pass one to keep it across app restarts, or a `RedisBoardStore` to share it
   * between processes. Default: a new, empty board in this process.
   */
  board?: Board;
  /**
   * Where jobs are listed, capped and cancelled, over this process's runner: a `RedisJobStore`
   * shares them between processes (see `createSharedState`). Default: the runner alone.
   */
  jobStore?: (runner: JobRunner) => JobStore & { stop(): void };
  /** How often running jobs advance, in ms. Default 200. */
  jobTickMs?: number;
  /** How often the live figures are pushed, in ms. Default 1000. */
  metricsIntervalMs?: number;
  /** Keep-alive interval of the streams, in ms; pages count three missed ones as a dead stream. Default 15000. */
  keepAliveMs?: number;
  /** First reconnect delay of the pages' monitors, in ms (doubling per attempt). Default 1000. */
  reconnectDelayMs?: number;
  /** Timings of the resilience controls. */
  controls?: ControlTimings;
}

/** A dashboard app and the parts a host (or a test) needs to reach. */
export interface DemoApp {
  app: Express;
  broadcaster: DemoBroadcaster;
  board: Board;
  /** This process's job runner (with a shared job store, the jobs started here). */
  jobs: JobRunner;
  /** Stops the app's timers and listeners (the broadcaster is closed by whoever serves it). */
  stop(): void;
}

/** How often a process with shared jobs looks for its streams on jobs that ended in another process, in ms. */
const ENDED_ELSEWHERE_CHECK_MS = 1000;
/** Publishes of one board change before giving up on catching up with changes made meanwhile. */
const BOARD_PUBLISH_ATTEMPTS = 5;

/**
 * Publishes the board as it is now. With processes changing one shared board, a publish can
 * overtake the publish of a later change and leave pages on an older board: when the board
 * changed while this one was published, it is published again, so the last publish on the
 * channel always carries the latest board.
 */
async function publishLatestBoard(board: Board, feed: DashboardFeed, origin: readonly string[]): Promise<void> {
  for (let attempt = 0; attempt < BOARD_PUBLISH_ATTEMPTS; attempt += 1) {
    const { version, items } = await board.snapshot();
    await feed.publish(() => <BoardItems items={items} oob />, origin);
    if ((await board.version()) === version) return;
  }
}

/** Builds the demo dashboard: pages, the SSE routes and every live feature. */
export function createDemoApp(options: DemoAppOptions = {}): DemoApp {
  const devMode = options.devMode ?? true;
  const broadcaster = createBroadcaster<DemoStreamMetadata>(
    options.bus ? { bus: options.bus } : { history: { size: 300 } },
  );
  const board = options.board ?? new BoardStore();
  const runner = new JobRunner({ tickMs: options.jobTickMs });
  const jobs = options.jobStore?.(runner) ?? runner;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const feed = new DashboardFeed(broadcaster, {
    heartbeatTimeoutMs: keepAliveMs * 3,
    reconnectDelayMs: options.reconnectDelayMs ?? 1000,
  });
  const sampler = new SystemSampler({ connections: () => broadcaster.stats().connections });
  const gate = new StreamGate();
  const metrics = metricsRoute(broadcaster);

  // The tab that made the change got the board in its response: everyone else gets it live.
  const onBoardChange = (origin: readonly string[]): void => {
    publishLatestBoard(board, feed, origin).catch((error: unknown) =>
      console.error('demo: publishing the board failed', error),
    );
  };
  board.on('change', onBoardChange);
  const stoppers = [
    () => board.off('change', onBoardChange),
    connectJobPipeline({
      jobs,
      broadcaster,
      feed,
      endedElsewhereCheckMs: jobs === runner ? undefined : ENDED_ELSEWHERE_CHECK_MS,
    }),
    sendSnapshotOnConnect({ broadcaster }),
    startSystemPublisher({ sampler, broadcaster, intervalMs: options.metricsIntervalMs }),
    () => jobs.stop(),
    () => runner.stop(),
    () => sampler.stop(),
    () => metrics.stop(),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(refuseCrossSite());
  app.use('/sse', gate.middleware);
  app.use(
    sseMiddleware({
      broadcaster,
      stats: true,
      keepAlive: { intervalMs: keepAliveMs },
      // Whose browser opened each stream, and who is on "Who is here": see demo/presence/.
      metadata: streamMetadataOf,
      presence: presenceOf,
    }),
  );
  app.use(pageRoutes({ defaultDialect: options.dialect ?? 'htmx2', devMode, feed, sampler, board, jobs, broadcaster }));
  app.use(signInRoutes(broadcaster));
  app.use(boardRoutes(board));
  app.use(jobRoutes(jobs));
  app.use(metrics.router);
  if (devMode) {
    // The resilience controls can cut every stream: only pages of this site may use them.
    app.use('/controls', refuseCrossSite({ requireProof: true }));
    app.use(controlRoutes(broadcaster, gate, options.controls));
  }

  return {
    app,
    broadcaster,
    board,
    jobs: runner,
    stop() {
      for (const stop of stoppers.splice(0)) stop();
    },
  };
}
