#!/usr/bin/env node
// Builds the browser assets into dist/client/: the monitor runtime (lib/client/monitor.ts, bundled
// for browsers by esbuild) and the status indicator stylesheet. The middleware serves both from
// there as {prefix}/_assets/monitor.js and {prefix}/_assets/sse-status.css.
'use strict';
const { copyFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const outDir = join(root, 'dist', 'client');
mkdirSync(outDir, { recursive: true });

esbuild.buildSync({
  entryPoints: [join(root, 'lib', 'client', 'monitor.ts')],
  outfile: join(outDir, 'monitor.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  tsconfig: join(root, 'lib', 'client', 'tsconfig.json'),
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(root, 'lib', 'client', 'sse-status.css'), join(outDir, 'sse-status.css'));
