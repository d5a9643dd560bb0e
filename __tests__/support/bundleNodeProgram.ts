import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { bundleNodeProgram as bundleInto } from '../../demo/cluster/bundleNodeProgram';

/**
 * Bundles a TypeScript program for a child process into a scratch directory (dependencies stay in
 * node_modules: run it with `NODE_PATH` pointing there). esbuild starts far faster than ts-node on
 * a busy machine. Returns the bundle's path.
 */
export function bundleNodeProgram(source: string): string {
  const name = basename(source).replace(/\.tsx?$/, '');
  return bundleInto(source, join(mkdtempSync(join(tmpdir(), `${name}-`)), `${name}.js`));
}
