import express, { type Router } from 'express';
import { requestConnectionIds } from '../../index';
import { BoardForm, BoardItems } from './BoardViews';
import type { Board } from './boardNotes';

/**
 * Routes of the shared board: add a note, toggle one, clear the done ones. Each answers the tab
 * that asked with the new board (out of band) and leaves that tab out of the broadcast of the
 * change (`requestConnectionIds`: the page's `SSE-Connection-Id` header; on the browser's shared
 * stream it names this tab of it, so the other tabs still get the change).
 */
export function boardRoutes(board: Board): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const current = async (): Promise<string> => BoardItems({ items: (await board.snapshot()).items, oob: true });

  router.post('/board/items', form, async (req, res) => {
    try {
      await board.add(String(req.body?.text ?? ''), requestConnectionIds(req));
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      res.status(400).json({ error: error.message });
      return;
    }
    res.type('html').send(`${BoardForm()}${await current()}`);
  });

  router.post('/board/items/:id/toggle', async (req, res) => {
    if (!(await board.toggle(req.params.id, requestConnectionIds(req)))) {
      res.status(404).json({ error: `no note ${JSON.stringify(req.params.id)}` });
      return;
    }
    res.type('html').send(await current());
  });

  router.post('/board/clear-done', async (req, res) => {
    await board.clearDone(requestConnectionIds(req));
    res.type('html').send(await current());
  });

  return router;
}
