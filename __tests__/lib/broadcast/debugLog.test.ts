import { spawn } from 'node:child_process';
import { join } from 'node:path';
import express from 'express';
import { createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { SseStream } from '../../../lib/pipeline/sseStream';
import { RedisBus } from '../../../lib/redis/redisBus';
import { sseMiddleware } from '../../../middleware/sseMiddleware';
import { bundleNodeProgram } from '../../support/bundleNodeProgram';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { listenOnLoopback } from '../../support/loopbackServer';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs the child with `NODE_DEBUG` set to `nodeDebug` (or unset) and its instances' `debug` option
 * to `option` (or not given); resolves with its stderr once it exits by itself.
 */
function run(
  script: string,
  nodeDebug: string | undefined,
  option?: boolean,
): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
  delete env.NODE_DEBUG;
  delete env.DEBUG_OPTION;
  if (nodeDebug !== undefined) env.NODE_DEBUG = nodeDebug;
  if (option !== undefined) env.DEBUG_OPTION = String(option);
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

  it('writes the same lines for instances given debug: true, without NODE_DEBUG', async () => {
    const { code, stderr } = await run(script, undefined, true);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^EXPRESS-HTMX-SSE \d+: registry: debug-tab opened on room \(1 open\)$/m);
    expect(stderr).toMatch(/^EXPRESS-HTMX-SSE \d+: stream: \/once ended \(done\) after 1 messages$/m);
  });

  it('keeps instances given debug: false silent under NODE_DEBUG', async () => {
    const { code, stderr } = await run(script, 'express-htmx-sse', false);
    expect(code).toBe(0);
    expect(stderr).not.toContain('EXPRESS-HTMX-SSE');
  });

  it('is silent by default and for other NODE_DEBUG sections', async () => {
    for (const nodeDebug of [undefined, 'http']) {
      const { code, stderr } = await run(script, nodeDebug);
      expect(code).toBe(0);
      expect(stderr).not.toContain('EXPRESS-HTMX-SSE');
    }
  });
});

describe('debug logging per instance, to a function', () => {
  it("hands a broadcaster's and a stream's lines to their own functions, and no other's", async () => {
    const mine: string[] = [];
    const others: string[] = [];
    const streamLines: string[] = [];
    const broadcaster = createBroadcaster({ debug: (line) => mine.push(line) });
    const other = createBroadcaster({ debug: (line) => others.push(line) });
    const stream = new SseStream<string>({ keepAlive: { intervalMs: 0 }, debug: (line) => streamLines.push(line) });
    const app = express();
    app.use(sseMiddleware({ broadcaster, connectionId: () => 'tab-1' }));
    app.get('/once', (req, res) => {
      void stream.serve(
        req,
        res,
        (async function* () {
          yield 'only';
        })(),
      );
    });
    const server = await listenOnLoopback(app);
    try {
      const disconnected = new Promise((resolve) => broadcaster.once('disconnect', resolve));
      const client = new RecordingEventSource(`${server.url}/sse/room`, ['sse:connection']);
      await client.received(1, 'sse:connection');
      client.close();
      await disconnected;
      const served = new RecordingEventSource(`${server.url}/once`, ['sse:close']);
      await served.received(1, 'sse:close');
      served.close();
      expect(mine).toEqual([
        'registry: tab-1 opened on room (1 open)',
        expect.stringMatching(/^registry: tab-1 closed \(client\) after \d+ events$/),
      ]);
      expect(streamLines).toEqual(['stream: /once ended (done) after 1 messages']);
      expect(others).toEqual([]);
    } finally {
      await broadcaster.close();
      await other.close();
      await server.close();
    }
  });

  it('refuses a debug option that is neither a boolean nor a function, naming it', () => {
    expect(() => createBroadcaster({ debug: 'yes' as never })).toThrow(
      'createBroadcaster: option "debug" must be a boolean or a function of one line, got "yes"',
    );
    expect(() => new SseStream({ debug: 1 as never })).toThrow(
      'SseStream: option "debug" must be a boolean or a function of one line, got 1',
    );
    expect(() => new RedisBus({ debug: null as never })).toThrow(
      'RedisBus: option "debug" must be a boolean or a function of one line, got null',
    );
  });
});
