import { installShutdownHandler } from '../index';
import { createDemoBus } from './createDemoBus';
import { readDemoConfig } from './demoConfig';
import { createSharedState } from './sharedState';
import { startDemoServer } from './startDemoServer';

/**
 * `npm start`: the dashboard on PORT/HOST, shut down gracefully on Ctrl-C or SIGTERM. With
 * `REDIS_URL`, on the Redis bus with the board and jobs in Redis, so several processes (see
 * `cluster.ts`) show the same.
 */
async function main(): Promise<void> {
  const config = readDemoConfig();
  const bus = await createDemoBus();
  const shared = await createSharedState();
  const running = await startDemoServer({
    ...config,
    bus,
    board: shared?.board,
    jobStore: shared?.jobStore,
  });
  installShutdownHandler(running.server, running.demo.broadcaster, {
    onClosed: () => {
      running.demo.stop();
      void shared?.close().catch(() => undefined);
      console.log('express-htmx-sse demo: stopped');
    },
  });
  console.log(
    `express-htmx-sse demo: ${running.url}/  (htmx 2: ${running.url}/?dialect=htmx2, htmx 4: ${running.url}/?dialect=htmx4)`,
  );
  console.log(`bus: ${running.demo.broadcaster.stats().bus.kind}; press Ctrl-C to stop`);
}

main().catch((error: unknown) => {
  console.error('express-htmx-sse demo failed to start:', error);
  process.exitCode = 1;
});
