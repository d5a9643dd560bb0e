import express, { type Router } from 'express';

/** Serves htmx until the middleware's asset routes land. */
export function temporaryAssets(): Router {
  const router = express.Router();
  const files: Record<string, string> = {
    'htmx2.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'sse2.js': require.resolve('htmx-ext-sse/dist/sse.js'),
    'htmx4.js': require.resolve('htmx4/dist/htmx.min.js'),
    'sse4.js': require.resolve('htmx4/dist/ext/hx-sse.js'),
  };
  router.get('/_demo-assets/:file', (req, res) => {
    const file = files[req.params.file];
    if (!file) {
      res.status(404).json({ error: 'no such asset' });
      return;
    }
    res.sendFile(file);
  });
  return router;
}
