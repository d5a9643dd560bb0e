import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('the Express these suites run on', () => {
  it('is Express 4 in the express4 project and Express 5 in the other, and both are in the peer range', () => {
    const { version } = require('express/package.json') as { version: string };
    expect(version.split('.')[0]).toBe(process.env.EXPECTED_EXPRESS_MAJOR ?? '5');
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    expect(manifest.peerDependencies.express).toBe('^4.21 || ^5');
  });
});
