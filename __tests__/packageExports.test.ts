import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedVersion, installFreshApp, node, npm, packLibrary, typeCheck } from './support/freshApp';

const root = join(__dirname, '..');

/**
 * The size budget of the published package (today about 220 kB packed, 770 kB unpacked, 290
 * files: JavaScript without comments, TSDoc in the .d.ts files). The development inspector added
 * 8 files and 28 kB; presence on the server, resync and the revocation's server side took it to
 * 208.5 kB packed, 728 kB unpacked, 281 files; the `unauthorized` state (the runtime's part, the
 * refusal probe, the README's "Ending streams when access ends") 4.8 kB packed and 1 file; the
 * presence components and the README's "Who is here" 7 kB packed, 25 kB unpacked and 8 files; the
 * Python library's smaller options (SseStream's poll and message options, per-instance debug, `oob:
 * false`, `hidden`, `textSize`, `active`) took it from 221.9 kB, 774.9 kB and 292 files to 227.1 kB,
 * 792 kB and 294; the page's own count, page-wide supervision and job elements that connect
 * (issue 25) 3.1 kB packed, 11.3 kB unpacked and no file; views and the template-engine section
 * (issue 25) the rest. Issue 26's README paragraphs (keep-alives only where silent, 100,000
 * streams across processes) and the keep-alive TSDoc took it past 830 kB unpacked (238.3 kB packed,
 * 830.4 kB unpacked, 296 files); the budget was raised to 250 kB and 850 kB, files unchanged.
 */
const BUDGET = { packedBytes: 250_000, unpackedBytes: 850_000, files: 297 };

/** Runs a snippet in a fresh Node process from the package root, so `express-htmx-sse` resolves through its own `exports` map. */
function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

describe('package entry points (built by `npm run build`, which `npm test` runs first)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  });

  it('can be imported by an ES module consumer, named exports included', () => {
    const output = run([
      '--input-type=module',
      '-e',
      "import { createBroadcaster, sseMiddleware, splitStreamEventId } from 'express-htmx-sse'; const b = createBroadcaster(); console.log(typeof sseMiddleware, splitStreamEventId('news/1.2').channel === 'news', b.stats().connections);",
    ]);
    expect(output).toBe('function true 0');
  });

  it('can be required by a CommonJS consumer', () => {
    const output = run([
      '-e',
      "const { createBroadcaster } = require('express-htmx-sse'); console.log(typeof createBroadcaster);",
    ]);
    expect(output).toBe('function');
  });
});

describe('the published package', () => {
  it(`holds only the library's dist, within ${BUDGET.packedBytes / 1000} kB packed and ${BUDGET.unpackedBytes / 1000} kB unpacked`, () => {
    const { stdout } = npm(root, ['pack', '--dry-run', '--json', '--ignore-scripts']);
    const [pack] = JSON.parse(stdout) as Array<{ size: number; unpackedSize: number; files: Array<{ path: string }> }>;
    const paths = pack.files.map((file) => file.path);
    expect(paths.filter((path) => !path.startsWith('dist/') && !['package.json', 'README.md'].includes(path))).toEqual(
      [],
    );
    expect(
      paths.filter((path) =>
        /(^|\/)(demo|bench|__tests__|scripts)\/|\.test\.|\.map$|\.tsx?$/.test(path.replace(/\.d\.ts$/, '')),
      ),
    ).toEqual([]);
    for (const entry of [
      'dist/index.js',
      'dist/redis.js',
      'dist/testing.js',
      'dist/metrics.js',
      'dist/browser/monitor.js',
      'dist/browser/sse-inspector.js',
    ])
      expect(paths).toContain(entry);
    expect(pack.size).toBeLessThanOrEqual(BUDGET.packedBytes);
    expect(pack.unpackedSize).toBeLessThanOrEqual(BUDGET.unpackedBytes);
    expect(paths.length).toBeLessThanOrEqual(BUDGET.files);
  });
});

const APP_SOURCE = `import express from 'express';
import { ConnectionMonitor, createBroadcaster, createSseComponents, sseMiddleware } from 'express-htmx-sse';
import { openTestStream } from 'express-htmx-sse/testing';

const { SseHead, SseElement } = createSseComponents({ dialect: 'htmx4' });
const broadcaster = createBroadcaster();
const app = express();
app.use(sseMiddleware({ broadcaster, prefix: '/sse' }));
app.get('/', (_req, res) => {
  res.type('html').send(
    <html>
      <head><SseHead /></head>
      <body>
        <ConnectionMonitor connectionId="news" />
        <SseElement connectionId="news" channel="news" swap="beforeend" />
      </body>
    </html>,
  );
});

export async function firstEvent(): Promise<string> {
  const stream = await openTestStream(app, { path: '/sse/news' });
  await broadcaster.publish('news', { data: <p safe>{'<b>'}</p> });
  const { events } = await stream.waitFor(1);
  await stream.close();
  return events[0].data;
}
`;

const ESM_CHECK = `import { readFileSync } from 'node:fs';
import express from 'express';
import { createBroadcaster, sseMiddleware } from 'express-htmx-sse';
import { openTestStream } from 'express-htmx-sse/testing';
const broadcaster = createBroadcaster();
const app = express();
app.use(sseMiddleware({ broadcaster }));
const stream = await openTestStream(app, { path: '/sse/news' });
await broadcaster.publish('news', { data: '<p>hi</p>' });
const { events } = await stream.waitFor(1);
await stream.close();
await broadcaster.close();
const { version } = JSON.parse(readFileSync('node_modules/express/package.json', 'utf8'));
console.log(JSON.stringify({ express: version.split('.')[0], data: events[0].data }));
`;

const CJS_CHECK = `const library = require('express-htmx-sse');
const testing = require('express-htmx-sse/testing');
const loaded = Object.keys(require.cache).filter((path) => /node_modules[\\\\/](prom-client|redis|@redis)[\\\\/]/.test(path));
console.log(typeof library.sseMiddleware, typeof testing.collectEvents, loaded.length);
`;

const TSCONFIG_BASE = {
  target: 'es2022',
  jsx: 'react-jsx',
  jsxImportSource: '@kitajs/html',
  strict: true,
  noEmit: true,
  types: ['node'],
};

describe.each([
  ['Express 5', { express: installedVersion('express'), '@types/express': installedVersion('@types/express') }],
  ['Express 4', { express: installedVersion('express4'), '@types/express': installedVersion('@types/express4') }],
])('a fresh app on %s that installs the tarball', (label, versions) => {
  let scratch: string;
  let app: string;
  let installWarnings: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fresh-app-'));
    const tarball = packLibrary(scratch);
    app = join(scratch, 'app');
    installWarnings = installFreshApp(app, tarball, {
      ...versions,
      '@types/node': installedVersion('@types/node'),
    }).stderr;
    writeFileSync(join(app, 'app.tsx'), APP_SOURCE);
    writeFileSync(join(app, 'check.mjs'), ESM_CHECK);
    writeFileSync(join(app, 'check.cjs'), CJS_CHECK);
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('installs with no peer-dependency or install-script warning', () => {
    expect(installWarnings).not.toMatch(/peer|ERESOLVE|install-scripts/i);
  });

  it('runs from an ES module: a stream opens and an event arrives', () => {
    expect(JSON.parse(node(app, ['check.mjs']))).toEqual({ express: label.slice(-1), data: '<p>hi</p>' });
  });

  it('is required from CommonJS without loading prom-client or redis', () => {
    expect(node(app, ['check.cjs'])).toBe('function function 0');
  });

  it.each([
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    // skipLibCheck as most apps set it; the nodenext check above also checks the package's .d.ts files themselves.
    ['bundler', { module: 'preserve', moduleResolution: 'bundler', skipLibCheck: true }],
  ])('type-checks with moduleResolution %s', (_resolution, resolution) => {
    expect(typeCheck(app, { compilerOptions: { ...TSCONFIG_BASE, ...resolution }, files: ['app.tsx'] })).toBe('');
  });
});
