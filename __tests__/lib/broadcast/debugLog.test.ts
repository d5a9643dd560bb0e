import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleNodeProgram } from '../../support/bundleNodeProgram';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the child with `NODE_DEBUG` set to `nodeDebug` (or unset); resolves with its stderr once it exits by itself. */
function run(script: string, nodeDebug: string | undefined): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
  delete env.NODE_DEBUG;
  if (nodeDebug !== undefined) env.NODE_DEBUG = nodeDebug;
  const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('debug logging through util.debuglog', () => {
  const script = bundleNodeProgram(join(ROOT, '__tests__', 'support', 'debugLogChild.ts'));

  it('writes registry and stream lines to stderr when NODE_DEBUG names express-htmx-sse', async () => {
    const { code, stderr } = await run(script, 'express-htmx-sse');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^EXPRESS-HTMX-SSE \d+: registry: debug-tab opened on room \(1 open\)$/m);
    expect(stderr).toMatch(/^EXPRESS-HTMX-SSE \d+: registry: debug-tab closed \(client\) after \d+ events$/m);
    expect(stderr).toMatch(/^EXPRESS-HTMX-SSE \d+: stream: \/once ended \(done\) after 1 messages$/m);
  });

  it('is silent by default and for other NODE_DEBUG sections', async () => {
    for (const nodeDebug of [undefined, 'http']) {
      const { code, stderr } = await run(script, nodeDebug);
      expect(code).toBe(0);
      expect(stderr).not.toContain('EXPRESS-HTMX-SSE');
    }
  });
});
