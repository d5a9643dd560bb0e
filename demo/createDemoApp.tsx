import express, { type Express } from 'express';
import { type Bus, createBroadcaster, sseMiddleware } from '../index';
import { BoardItems } from './board/BoardViews';
import { boardRoutes } from './board/boardRoutes';
import { BoardStore } from './board/boardStore';
import { type ControlTimings, controlRoutes } from './controls/controlRoutes';
import { StreamGate } from './controls/streamGate';
import { DashboardFeed, type Dialect } from './dashboardFeed';
import { sendSnapshotOnConnect } from './dashboardSnapshot';
import { connectJobPipeline } from './jobs/jobPipeline';
import { jobRoutes } from './jobs/jobRoutes';
import { JobRunner } from './jobs/jobRunner';
import { pageRoutes } from './page/pageRoutes';
import { refuseCrossSite } from './security/crossSiteGuard';
import { securityHeaders } from './security/securityHeaders';
import { type DemoBroadcaster, type StreamMetadata, streamMetadata } from './streamMetadata';
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
  /** The shared board; pass one to keep it across app restarts. Default: a new, empty board. */
  board?: BoardStore;
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
  board: BoardStore;
  jobs: JobRunner;
  /** Stops the app's timers and listeners (the broadcaster is closed by whoever serves it). */
  stop(): void;
}

/** Builds the demo dashboard: pages, the SSE routes and every live feature. */
export function createDemoApp(options: DemoAppOptions = {}): DemoApp {
  const devMode = options.devMode ?? true;
  const broadcaster = createBroadcaster<StreamMetadata>(
    options.bus ? { bus: options.bus } : { history: { size: 300 } },
  );
  const board = options.board ?? new BoardStore();
  const jobs = new JobRunner({ tickMs: options.jobTickMs });
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const feed = new DashboardFeed(broadcaster, {
    heartbeatTimeoutMs: keepAliveMs * 3,
    reconnectDelayMs: options.reconnectDelayMs ?? 1000,
  });
  const sampler = new SystemSampler({ connections: () => broadcaster.stats().connections });
  const gate = new StreamGate();
  const metrics = metricsRoute(broadcaster);

  const onBoardChange = (): void => {
    void feed
      .publish(() => <BoardItems items={board.items()} oob />)
      .catch((error: unknown) => console.error('demo: publishing the board failed', error));
  };
  board.on('change', onBoardChange);
  const stoppers = [
    () => board.off('change', onBoardChange),
    connectJobPipeline({ runner: jobs, broadcaster, feed }),
    sendSnapshotOnConnect({ broadcaster, feed, board, runner: jobs, sampler }),
    startSystemPublisher({ sampler, broadcaster, intervalMs: options.metricsIntervalMs }),
    () => jobs.stop(),
    () => sampler.stop(),
    () => metrics.stop(),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(refuseCrossSite());
  app.use('/sse', gate.middleware);
  app.use(
    sseMiddleware({ broadcaster, metadata: streamMetadata, stats: true, keepAlive: { intervalMs: keepAliveMs } }),
  );
  app.use(pageRoutes({ defaultDialect: options.dialect ?? 'htmx2', devMode, feed, sampler, board, jobs, broadcaster }));
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
    jobs,
    stop() {
      for (const stop of stoppers.splice(0)) stop();
    },
  };
}
