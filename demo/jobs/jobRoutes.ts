import express, { type Router } from 'express';
import { JobForm } from './JobViews';
import type { JobStore } from './jobStore';

/** Routes of the jobs card: start a job (duration in seconds; 429 when the running cap is reached) and cancel one. */
export function jobRoutes(jobs: JobStore): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.post('/jobs', form, async (req, res) => {
    const seconds = Number(req.body?.duration);
    try {
      await jobs.start(String(req.body?.name ?? ''), seconds * 1000);
    } catch (error) {
      // RangeError: too many jobs running (a limit, not bad input).
      if (error instanceof RangeError) res.status(429).json({ error: error.message });
      else if (error instanceof TypeError) res.status(400).json({ error: error.message });
      else throw error;
      return;
    }
    res.type('html').send(JobForm() as string);
  });

  router.post('/jobs/:id/cancel', async (req, res) => {
    if (!(await jobs.cancel(req.params.id))) {
      res.status(404).json({ error: `no job ${JSON.stringify(req.params.id)}` });
      return;
    }
    res.sendStatus(204);
  });

  return router;
}
