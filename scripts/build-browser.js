#!/usr/bin/env node
// Builds the browser assets into dist/browser/: the monitor runtime (lib/browser/monitor.ts, bundled
// for browsers by esbuild), the SharedWorker that owns a browser's one stream
// (lib/browser/sharedStream/sharedStreamWorker.ts), the status indicator stylesheet, and the
// development inspector's script and stylesheet (lib/browser/inspector/). The middleware serves them
// from there as {prefix}/_assets/monitor.js, shared-stream.js, sse-status.css, sse-inspector.js and
// sse-inspector.css. Files are replaced atomically (write, then rename), because test suites build
// in parallel while servers read.
'use strict';
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const outDir = join(root, 'dist', 'browser');
mkdirSync(outDir, { recursive: true });

function replaceFile(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

const { outputFiles } = esbuild.buildSync({
  entryPoints: {
    monitor: join(root, 'lib', 'browser', 'monitor.ts'),
    'shared-stream': join(root, 'lib', 'browser', 'sharedStream', 'sharedStreamWorker.ts'),
    'sse-inspector': join(root, 'lib', 'browser', 'inspector', 'inspector.ts'),
  },
  outdir: outDir,
  tsconfig: join(root, 'lib', 'browser', 'tsconfig.json'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
for (const file of outputFiles) replaceFile(file.path, file.contents);
replaceFile(join(outDir, 'sse-status.css'), readFileSync(join(root, 'lib', 'browser', 'sse-status.css')));
replaceFile(
  join(outDir, 'sse-inspector.css'),
  readFileSync(join(root, 'lib', 'browser', 'inspector', 'sse-inspector.css')),
);
