import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { openTestStream } from '../../testing';
import { ChildOutput } from '../support/childOutput';
import { readmeBlocks } from './readmeBlocks';

const root = join(__dirname, '..', '..');

/** A free loopback port, found by listening on port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the README Quick start, run as written', () => {
  let scratch: string;
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('streams an escaped note to a listener, then closes every stream on SIGTERM and exits', async () => {
    const [block] = readmeBlocks().filter((candidate) => candidate.heading === 'Quick start');
    expect(block).toBeDefined();
    // Inside the repo, so that require('express-htmx-sse') resolves to this package's exports and dist.
    scratch = mkdtempSync(join(root, '.readme-blocks-'));
    const { code } = transformSync(block.code, {
      loader: block.language,
      format: 'cjs',
      jsx: 'automatic',
      jsxImportSource: '@kitajs/html',
      target: 'node20',
    });
    writeFileSync(join(scratch, 'quickStart.js'), code);
    const port = await freePort();
    child = spawn(process.execPath, [join(scratch, 'quickStart.js')], {
      cwd: scratch,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (exitCode) => resolve(exitCode)));
    const [listening] = await new ChildOutput(child, 'the Quick start').line(/listening on .*/);
    expect(listening).toContain(`http://127.0.0.1:${port}/`);

    const base = `http://127.0.0.1:${port}`;
    const stream = await openTestStream(`${base}/sse/notes`);
    const posted = await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: '<img src=x onerror=alert(1)>' }),
    });
    expect(posted.status).toBe(204);
    const { events } = await stream.waitFor((event) => event.type === 'note');
    expect(events.at(-1)?.data).toBe('<li>&lt;img src=x onerror=alert(1)></li>');

    child.kill('SIGTERM');
    const ending = await stream.waitFor((event) => event.type === 'sse:close');
    expect(JSON.parse(ending.events.at(-1)?.data ?? '{}')).toMatchObject({ reconnect: true });
    await stream.close();
    expect(await exited).toBe(0);
  });
});
