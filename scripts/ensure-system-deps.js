#!/usr/bin/env node
// Installs the Debian packages the test suites need (Chromium for browser tests, redis-server
// for the Redis tests) when they are missing, the way Playwright's install-deps does. Suites do
// not skip when a package is missing, so a failed install fails `npm test` here, loudly.
'use strict';
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

/** Debian package name -> the binary it provides. */
const needed = { chromium: '/usr/bin/chromium', 'redis-server': '/usr/bin/redis-server' };

const missing = Object.entries(needed)
  .filter(([, binary]) => !existsSync(binary))
  .map(([pkg]) => pkg);

if (missing.length === 0) process.exit(0);

console.log(`[ensure-system-deps] installing missing packages: ${missing.join(', ')}`);
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const run = (args) => {
  const [cmd, ...rest] = asRoot ? args : ['sudo', '-n', ...args];
  execFileSync(cmd, rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};
try {
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
} catch (error) {
  console.error(`[ensure-system-deps] could not install ${missing.join(', ')}: ${error.message}`);
  console.error(`[ensure-system-deps] install them with: apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
