#!/usr/bin/env node
// Builds the browser assets into dist/browser/: the monitor runtime (lib/browser/monitor.ts, bundled
// for browsers by esbuild), the SharedWorker that owns a browser's one stream
// (lib/browser/sharedStream/sharedStreamWorker.ts) and the status indicator stylesheet. The
// middleware serves them from there as {prefix}/_assets/monitor.js, shared-stream.js and sse-status.css. Files are replaced
// atomically (write, then rename), because test suites build in parallel while servers read.
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
