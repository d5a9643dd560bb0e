import express, { type Router } from 'express';
import { BoardForm } from './BoardViews';
import type { BoardStore } from './boardStore';

/** Routes of the shared board: add a note, toggle one, clear the done ones. */
export function boardRoutes(board: BoardStore): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.post('/board/items', form, (req, res) => {
    try {
      board.add(String(req.body?.text ?? ''));
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
      return;
    }
    res.type('html').send(BoardForm() as string);
  });

  router.post('/board/items/:id/toggle', (req, res) => {
    if (!board.toggle(req.params.id)) {
      res.status(404).json({ error: `no note ${JSON.stringify(req.params.id)}` });
      return;
    }
    res.sendStatus(204);
  });

  router.post('/board/clear-done', (_req, res) => {
    board.clearDone();
    res.sendStatus(204);
  });

  return router;
}
