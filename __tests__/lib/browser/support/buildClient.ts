import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds `dist/browser/` (esbuild, well under a second) so the suite tests the current runtime. */
export function buildClientAssets(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', '..', '..', 'scripts', 'build-browser.js')], {
    stdio: 'inherit',
  });
}
