import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { RecordingEventSource } from '../support/eventSourceClient';

/** Starts `demo/server.ts` as `npm start` would run it, and resolves with the URL it prints. */
function startServerProcess(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  url: Promise<string>;
  output: () => string;
} {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../demo/server.ts')],
    {
      cwd: join(__dirname, '../..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = /express-htmx-sse demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (found) resolve(found[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`demo server exited with ${code} before printing its URL:\n${output}`)),
    );
  });
  return { child, url, output: () => output };
}

describe('demo server process (npm start)', () => {
  it('starts without Redis on the loopback, prints its URL, serves the dashboard and shuts down gracefully on SIGINT', async () => {
    buildClientAssets();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '', DEMO_DIALECT: '', NODE_ENV: 'development' };
    delete env.REDIS_URL;
    const { child, url, output } = startServerProcess(env);
    let stream: RecordingEventSource | undefined;
    try {
      const base = await url;
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/sse/_assets/monitor.js');
      expect((await fetch(`${base}/sse/_assets/monitor.js`)).status).toBe(200);
      stream = new RecordingEventSource(`${base}/sse/dashboard-htmx2`, ['sse:close']);
      await stream.opened();
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await stream.received(1, 'sse:close');
      expect(JSON.parse(stream.data('sse:close')[0])).toMatchObject({ reconnect: true, reason: 'received SIGINT' });
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output()).toContain('express-htmx-sse demo: stopped');
      expect(output()).toContain('bus: memory');
    } finally {
      stream?.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
