import express, { type Request, type Response, type Router } from 'express';
import type { Board } from '../board/boardNotes';
import { type DashboardFeed, DIALECTS, type Dialect, parseDialect } from '../dashboardFeed';
import type { JobStore } from '../jobs/jobStore';
import { ensureVisitorToken, visitorOf } from '../presence/visitor';
import type { DemoBroadcaster } from '../streamMetadata';
import { systemChannelOf } from '../system/systemChannel';
import type { SystemSampler } from '../system/systemSampler';
import { DashboardPage, DashboardState } from './DashboardPage';
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

/** The dialect a request asks for (`?dialect=`, else `fallback`); undefined once an unknown one was answered 400. */
function requestedDialect(req: Request, res: Response, fallback: Dialect): Dialect | undefined {
  const requested = req.query.dialect;
  const dialect = requested === undefined ? fallback : parseDialect(requested);
  if (!dialect)
    res.status(400).json({ error: `unknown dialect ${JSON.stringify(requested)}: use one of ${DIALECTS.join(', ')}` });
  return dialect;
}

/**
 * `GET /` (the dashboard, `?dialect=htmx2|htmx4`), `GET /dashboard/state` (what its stream's resync
 * swaps in, same query) and `GET /dashboard.css`.
 */
export function pageRoutes(options: PageRouteOptions): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const dialect = requestedDialect(req, res, options.defaultDialect);
    if (!dialect) return;
    // Its streams carry the browser's token, so that signing in can find them.
    ensureVisitorToken(req, res);
    // Read first: what is published while the page renders is then replayed to its stream.
    const cursor = await options.broadcaster.cursor().catch(() => undefined);
    const [jobs, board] = await Promise.all([options.jobs.list(), options.board.snapshot()]);
    const html = await DashboardPage({
      context: options.feed.contextFor(dialect),
      devMode: options.devMode,
      samples: options.sampler.samples(),
      jobs,
      board: board.items,
      stats: options.broadcaster.stats(),
      presence: options.broadcaster,
      visitor: visitorOf(req),
      systemChannel: systemChannelOf(options.broadcaster),
      cursor,
      nonce: res.locals.cspNonce,
    });
    res.set('Cache-Control', 'no-store').type('html').send(html);
  });

  router.get('/dashboard/state', async (req, res) => {
    const dialect = requestedDialect(req, res, options.defaultDialect);
    if (!dialect) return;
    const [jobs, board] = await Promise.all([options.jobs.list(), options.board.snapshot()]);
    const html = await DashboardState({ context: options.feed.contextFor(dialect), jobs, board: board.items });
    res.set('Cache-Control', 'no-store').type('html').send(html);
  });

  router.get('/dashboard.css', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('css').send(dashboardCss);
  });

  return router;
}
