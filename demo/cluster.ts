import { startDemoCluster } from './cluster/demoCluster';

/**
 * `npm run demo:cluster`: three demo processes sharing one Redis (`REDIS_URL`, else a
 * `redis-server` of their own on a free port) behind nginx on one port (`PORT`, default 3000),
 * which balances them round robin. Every tab shows the same board, jobs and connection counts
 * whichever process serves it. Ctrl-C stops everything; a child that fails stops the rest.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new TypeError(`PORT must be a port number 1-65535, got ${JSON.stringify(process.env.PORT)}`);
  const cluster = await startDemoCluster({ port, redisUrl: process.env.REDIS_URL || undefined });
  const stop = (): void => {
    void cluster.stop().then(() => console.log('express-htmx-sse demo cluster: stopped'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  void cluster.failed.then((reason) => {
    console.error(`express-htmx-sse demo cluster: ${reason}; stopped the rest`);
    process.exitCode = 1;
  });
  console.log(
    `express-htmx-sse demo cluster: open ${cluster.url}/  (nginx, round robin over ${cluster.processes
      .map((demo) => demo.port)
      .join(', ')}; Redis ${cluster.redisUrl}); press Ctrl-C to stop`,
  );
}

main().catch((error: unknown) => {
  console.error('express-htmx-sse demo cluster failed to start:', error);
  process.exitCode = 1;
});
