import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { ChildOutput } from '../support/childOutput';
import { RecordingEventSource } from '../support/eventSourceClient';

/** Starts `demo/server.ts` as `npm start` would run it; its output says when it listens. */
function startServerProcess(env: NodeJS.ProcessEnv): ChildOutput {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../demo/server.ts')],
    {
      cwd: join(__dirname, '../..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new ChildOutput(child, 'the demo server');
}

describe('demo server process (npm start)', () => {
  it('starts without Redis on the loopback, prints its URL, serves the dashboard and shuts down gracefully on SIGINT', async () => {
    buildClientAssets();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '', DEMO_DIALECT: '', NODE_ENV: 'development' };
    delete env.REDIS_URL;
    const server = startServerProcess(env);
    const { child } = server;
    let stream: RecordingEventSource | undefined;
    try {
      const [, base] = await server.line(/express-htmx-sse demo: (http:\/\/127\.0\.0\.1:\d+)\//);
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/sse/_assets/monitor.js');
      expect((await fetch(`${base}/sse/_assets/monitor.js`)).status).toBe(200);
      stream = new RecordingEventSource(`${base}/sse/dashboard-htmx2`, ['sse:close']);
      await stream.opened();
      // 'close', not 'exit': by then all its output has been read.
      const exited = once(child, 'close');
      child.kill('SIGINT');
      await stream.received(1, 'sse:close');
      expect(JSON.parse(stream.data('sse:close')[0])).toMatchObject({ reconnect: true, reason: 'received SIGINT' });
      const [code] = await exited;
      expect(code).toBe(0);
      expect(server.text).toContain('express-htmx-sse demo: stopped');
      expect(server.text).toContain('bus: memory');
    } finally {
      stream?.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
