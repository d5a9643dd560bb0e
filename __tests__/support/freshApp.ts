import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The version of a package installed in the repo (the dev dependencies pin what fresh apps install). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** The environment for a nested npm: none of the npm_* variables of the `npm test` running us. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || keep.has(key)));
}

/** Runs npm in `cwd` and returns its stdout; throws with its stderr when it fails. */
export function npm(cwd: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync('npm', args, { cwd, env: npmEnvironment(), encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Packs the repo as it would be published (dist built by `npm test`'s pretest) and returns the tarball's path. */
export function packLibrary(destination: string): string {
  const { stdout } = npm(root, ['pack', '--json', '--ignore-scripts', '--pack-destination', destination]);
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(destination, filename);
}

/** A new app in `directory` that installs the packed library and `dependencies` from the npm cache first. */
export function installFreshApp(
  directory: string,
  tarball: string,
  dependencies: Record<string, string>,
): { stderr: string } {
  mkdirSync(directory, { recursive: true });
  const manifest = {
    name: 'fresh-app',
    private: true,
    type: 'module',
    dependencies: { 'express-htmx-sse': `file:${tarball}`, ...dependencies },
  };
  writeFileSync(join(directory, 'package.json'), JSON.stringify(manifest, null, 2));
  const { stderr } = npm(directory, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn']);
  return { stderr };
}

/** Runs Node in `cwd` with `args` and returns its trimmed stdout. */
export function node(cwd: string, args: string[]): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8' }).trim();
}

/** Type-checks `cwd` with the repo's TypeScript and the given tsconfig; returns the compiler's output ('' when clean). */
export function typeCheck(cwd: string, tsconfig: object): string {
  writeFileSync(join(cwd, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', cwd], { cwd, encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim();
}
