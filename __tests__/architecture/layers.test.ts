import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importsOf, layerViolations, readImports } from './importRules';

const root = join(__dirname, '..', '..');

/** The public entry points, from package.json `exports`: `./dist/redis.js` → `redis`. */
function entryPoints(): string[] {
  const exports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, unknown>;
  return Object.values(exports)
    .map((entry) => (typeof entry === 'object' && entry !== null ? (entry as { default?: string }).default : undefined))
    .filter((path): path is string => typeof path === 'string' && path.startsWith('./dist/'))
    .map((path) => path.slice('./dist/'.length).replace(/\.js$/, ''));
}

function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file !== '' && !file.startsWith('node_modules/'));
}

describe('layer rules (ARCHITECTURE.md)', () => {
  it('hold for every import in the repo', () => {
    const edges = readImports(root, sourceFiles());
    expect(edges.length).toBeGreaterThan(200);
    expect(layerViolations(edges, entryPoints())).toEqual([]);
  });

  it('knows the entry points from package.json', () => {
    expect(entryPoints()).toEqual(expect.arrayContaining(['index', 'redis']));
  });

  it.each([
    [
      'lib/broadcast/broadcaster.ts',
      "import { SseElement } from '../../components/SseElement';",
      'lib/ must not depend',
    ],
    ['lib/pipeline/sseStream.ts', "import { x } from '../../middleware/jsonError';", 'lib/ must not depend'],
    [
      'lib/browser/monitorRuntime.ts',
      "import { KeepAlive } from '../broadcast/keepAlive';",
      'lib/browser/ imports only',
    ],
    ['lib/browser/monitorRuntime.ts', "import express from 'express';", 'lib/browser/ imports only'],
    ['lib/time/clock.ts', "import { debugLog } from '../broadcast/debugLog';", 'lib/time/ imports nothing'],
    ['lib/time/clock.ts', "import { setTimeout } from 'node:timers';", 'lib/time/ imports nothing'],
    ['middleware/sseMiddleware.ts', "import { backoff } from '../lib/browser/backoff';", 'server code must not import'],
    ['components/SseHead.tsx', "export { x } from '../lib/browser/readConfig';", 'server code must not import'],
    ['demo/createDemoApp.tsx', "import { MemoryBus } from '../lib/broadcast/memoryBus';", 'demo/ imports only'],
    [
      'lib/dialects/htmx2Dialect.ts',
      "import { KeepAlive } from '../broadcast/keepAlive';",
      'lib/dialects/ imports only',
    ],
    ['lib/dialects/htmx2Dialect.ts', "import express from 'express';", 'lib/dialects/ imports only'],
  ])('refuses %s importing: %s', (file, line, rule) => {
    const problems = layerViolations(importsOf(file, line), ['index', 'redis']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(rule);
  });

  it('allows the imports the rules allow', () => {
    const allowed = [
      ['lib/browser/monitorRuntime.ts', "import { CLOSE_EVENT } from '../protocol/protocolEvents';"],
      ['lib/browser/connectionSupervisor.ts', "import { systemClock } from '../time/clock';"],
      ['demo/createDemoApp.tsx', "import { sseMiddleware } from '../index';\nimport { RedisBus } from '../redis';"],
      ['components/SseHead.tsx', "import { ASSET_FILES } from '../lib/protocol/monitorContract';"],
      ['components/SseHead.tsx', "import { dialects } from '../lib/dialects/dialectRegistry';"],
      ['lib/dialects/htmx2Dialect.ts', "import { Htmx2Binding } from '../browser/htmx2Binding';"],
      ['lib/browser/monitor.ts', "import { dialects } from '../dialects/dialectRegistry';"],
      ['__tests__/lib/browser/backoff.test.ts', "import { reconnectDelay } from '../../../lib/browser/backoff';"],
    ];
    for (const [file, line] of allowed) expect(layerViolations(importsOf(file, line), ['index', 'redis'])).toEqual([]);
  });
});
