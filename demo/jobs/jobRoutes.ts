import express, { type Router } from 'express';
import { JobForm } from './JobViews';
import type { JobRunner } from './jobRunner';

/** Routes of the jobs card: start a job (duration in seconds; 429 when the running cap is reached) and cancel one. */
export function jobRoutes(runner: JobRunner): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.post('/jobs', form, (req, res) => {
    const seconds = Number(req.body?.duration);
    try {
      runner.start(String(req.body?.name ?? ''), seconds * 1000);
    } catch (error) {
      // RangeError: too many jobs running (a limit, not bad input).
      res.status(error instanceof RangeError ? 429 : 400).json({ error: (error as Error).message });
      return;
    }
    res.type('html').send(JobForm() as string);
  });

  router.post('/jobs/:id/cancel', (req, res) => {
    if (!runner.cancel(req.params.id)) {
      res.status(404).json({ error: `no job ${JSON.stringify(req.params.id)}` });
      return;
    }
    res.sendStatus(204);
  });

  return router;
}
