import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** Runs a snippet in a fresh Node process from the package root, so `express-htmx-sse` resolves through its own `exports` map. */
function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

describe('package entry points (built by `npm run build`, which `npm install` and `npm test` run)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  });

  it('can be imported by an ES module consumer, named exports included', () => {
    const output = run([
      '--input-type=module',
      '-e',
      "import { createBroadcaster, sseMiddleware, encodeEvent } from 'express-htmx-sse'; const b = createBroadcaster(); console.log(typeof sseMiddleware, encodeEvent({ data: 'x' }).toString() === 'data: x\\n\\n', b.stats().connections);",
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
