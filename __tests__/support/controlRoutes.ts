import express, { type Express } from 'express';
import type { Broadcaster } from '../../lib/broadcast/broadcaster';
import { requestConnectionIds } from '../../middleware/requestConnectionIds';

/** Event names the test hook acts on: published upper-cased, dropped, or refused with an error. */
export const HOOKED_UPPER = 'hooked:upper';
export const HOOKED_DROP = 'hooked:drop';
export const HOOKED_THROW = 'hooked:throw';

/**
 * Control routes a test drives over HTTP, the same in a child process on Redis and in an
 * in-process app: publish (with event and exclude), sendTo, announce, connection, disconnect,
 * recent and the list of this process's connections. Also installs the test publish hook.
 */
export function addControlRoutes(app: Express, broadcaster: Broadcaster<unknown>): void {
  broadcaster.use(async (message) => {
    if (message.event === HOOKED_DROP) return null;
    if (message.event === HOOKED_THROW) throw new Error('the hook refused it');
    if (message.event === HOOKED_UPPER) return { ...message, data: String(message.data).toUpperCase() };
    return undefined;
  });
  app.use('/control', express.json());
  app.post('/control/publish', async (req, res) => {
    try {
      const { channel, event, data, exclude } = req.body;
      res.json(await broadcaster.publish(channel, { event, data }, { exclude }));
    } catch (error) {
      res.status(503).json({ error: (error as Error).message });
    }
  });
  // A route a page's htmx request hits: everyone on the channel but the tab that sent it.
  app.post('/control/publish-from-page', async (req, res) => {
    res.json(
      await broadcaster.publish(req.body.channel, { data: req.body.data }, { exclude: requestConnectionIds(req) }),
    );
  });
  app.post('/control/send-to', async (req, res) => {
    res.json({
      written: await broadcaster.sendTo(req.body.connectionId, { event: req.body.event, data: req.body.data }),
    });
  });
  app.post('/control/announce', async (req, res) => {
    res.json({ written: await broadcaster.announce({ event: req.body.event, data: req.body.data }) });
  });
  app.get('/control/connection/:id', async (req, res) => {
    res.json({ info: (await broadcaster.connection(req.params.id)) ?? null });
  });
  app.post('/control/disconnect', async (req, res) => {
    res.json({ found: await broadcaster.disconnect(req.body.id, { reason: req.body.reason }) });
  });
  app.get('/control/recent/:channel', async (req, res) => {
    res.json(await broadcaster.recent(req.params.channel, { limit: Number(req.query.limit) }));
  });
  app.get('/control/connections', (_req, res) => {
    res.json(broadcaster.connections().map(({ id, channel }) => ({ id, channel })));
  });
}

/** The middleware option that takes a connection's id from `?id=` (tests of app-chosen ids). */
export function idFromQuery(req: express.Request): string | undefined {
  return typeof req.query.id === 'string' ? req.query.id : undefined;
}
