#!/usr/bin/env node
// Installs the Debian packages the test suites need (Chromium for browser tests, redis-server
// for the Redis tests, nginx for the demo cluster behind a balancer) when they are missing, the
// way Playwright's install-deps does. Suites do not skip when a package is missing, so a failed
// install fails `npm test` here, loudly.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

/** Debian package name -> the binary it provides. */
const needed = {
  chromium: '/usr/bin/chromium',
  'redis-server': '/usr/bin/redis-server',
  nginx: '/usr/sbin/nginx',
};

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

// Debian's nginx and redis-server packages start a system service (nginx on port 80) from their
// postinst. The suites start servers of their own on free ports, so no service may start: a
// policy-rc.d that answers 101 ("action forbidden") tells invoke-rc.d and deb-systemd-invoke so.
// It is added only where the machine has none, and removed afterwards.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(POLICY);
const forbidServiceStarts = () => {
  if (ownPolicy) run(['sh', '-c', `printf '#!/bin/sh\\nexit 101\\n' > ${POLICY} && chmod 755 ${POLICY}`]);
};
const allowServiceStarts = () => {
  if (ownPolicy) run(['rm', '-f', POLICY]);
};

// Belt and braces: should a service have started anyway, stop it (a system nginx would hold port 80).
const stopSystemNginx = () => {
  const pidFile = '/run/nginx.pid';
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code === 'ESRCH') return; // a stale pid file: nothing runs
  }
  console.log(`[ensure-system-deps] stopping the system nginx the package started (pid ${pid})`);
  run(['/usr/sbin/nginx', '-s', 'stop']);
};

try {
  forbidServiceStarts();
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  if (missing.includes('nginx')) stopSystemNginx();
} catch (error) {
  console.error(`[ensure-system-deps] could not install ${missing.join(', ')}: ${error.message}`);
  console.error(`[ensure-system-deps] install them with: apt-get install -y ${missing.join(' ')}`);
  process.exitCode = 1;
} finally {
  allowServiceStarts();
}
