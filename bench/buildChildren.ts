import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The bundled child scripts. */
export interface ChildScripts {
  serverScript: string;
  loadScript: string;
}

/**
 * Bundles the two child entries with esbuild so each of the ~60 child processes starts in
 * milliseconds instead of compiling TypeScript. Packages stay external: the output lives under
 * `node_modules/.cache`, from where Node resolves them in the project's `node_modules`, in a
 * folder per checkout: git worktrees that share one `node_modules` do not overwrite each other's.
 */
export async function buildChildren(root: string): Promise<ChildScripts> {
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const outdir = join(root, 'node_modules', '.cache', `express-htmx-sse-bench-${checkout}`);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: {
      serverProcess: join(root, 'bench', 'serverProcess.ts'),
      loadGeneratorProcess: join(root, 'bench', 'loadGeneratorProcess.ts'),
    },
    outdir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  return { serverScript: join(outdir, 'serverProcess.js'), loadScript: join(outdir, 'loadGeneratorProcess.js') };
}
