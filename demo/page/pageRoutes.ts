import express, { type Router } from 'express';
import type { Board } from '../board/boardNotes';
import { type DashboardFeed, DIALECTS, type Dialect, parseDialect } from '../dashboardFeed';
import type { JobStore } from '../jobs/jobStore';
import type { DemoBroadcaster } from '../streamMetadata';
import type { SystemSampler } from '../system/systemSampler';
import { DashboardPage } from './DashboardPage';
import { dashboardCss } from './dashboardCss';

/** What the page routes read. */
export interface PageRouteOptions {
  defaultDialect: Dialect;
  devMode: boolean;
  feed: DashboardFeed;
  sampler: SystemSampler;
  board: Board;
  jobs: JobStore;
  broadcaster: DemoBroadcaster;
}

/** `GET /` (the dashboard, `?dialect=htmx2|htmx4`) and `GET /dashboard.css`. */
export function pageRoutes(options: PageRouteOptions): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const requested = req.query.dialect;
    const dialect = requested === undefined ? options.defaultDialect : parseDialect(requested);
    if (!dialect) {
      res
        .status(400)
        .json({ error: `unknown dialect ${JSON.stringify(requested)}: use one of ${DIALECTS.join(', ')}` });
      return;
    }
    const [jobs, board] = await Promise.all([options.jobs.list(), options.board.snapshot()]);
    const html = await DashboardPage({
      context: options.feed.contextFor(dialect),
      devMode: options.devMode,
      samples: options.sampler.samples(),
      jobs,
      board: board.items,
      stats: options.broadcaster.stats(),
      nonce: res.locals.cspNonce,
    });
    res.set('Cache-Control', 'no-store').type('html').send(html);
  });

  router.get('/dashboard.css', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('css').send(dashboardCss);
  });

  return router;
}
