import express, { type Router } from 'express';
import { requestConnectionIds } from '../../index';
import { BoardForm, BoardItems } from './BoardViews';
import type { BoardStore } from './boardStore';

/**
 * Routes of the shared board: add a note, toggle one, clear the done ones. Each answers the tab
 * that asked with the new board (out of band) and leaves that tab out of the broadcast of the
 * change (`requestConnectionIds`: the page's `SSE-Connection-Id` header).
 */
export function boardRoutes(board: BoardStore): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.post('/board/items', form, (req, res) => {
    try {
      board.add(String(req.body?.text ?? ''), requestConnectionIds(req));
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
      return;
    }
    res.type('html').send(`${BoardForm()}${BoardItems({ items: board.items(), oob: true })}`);
  });

  router.post('/board/items/:id/toggle', (req, res) => {
    if (!board.toggle(req.params.id, requestConnectionIds(req))) {
      res.status(404).json({ error: `no note ${JSON.stringify(req.params.id)}` });
      return;
    }
    res.type('html').send(BoardItems({ items: board.items(), oob: true }) as string);
  });

  router.post('/board/clear-done', (req, res) => {
    board.clearDone(requestConnectionIds(req));
    res.type('html').send(BoardItems({ items: board.items(), oob: true }) as string);
  });

  return router;
}
