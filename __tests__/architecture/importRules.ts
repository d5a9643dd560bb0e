import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** One import of one file: who imports, the specifier as written, and the repo path it resolves to. */
export interface ImportEdge {
  from: string;
  specifier: string;
  /** Repo-relative path without extension, or undefined for a package import. */
  target: string | undefined;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of `source` (the text of repo file `file`). */
export function importsOf(file: string, source: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (specifier === undefined) continue;
    const target = specifier.startsWith('.')
      ? normalize(join(dirname(file), specifier))
          .replace(/\\/g, '/')
          .replace(/\.(tsx?|js)$/, '')
      : undefined;
    edges.push({ from: file, specifier, target });
  }
  return edges;
}

/** Reads the imports of repo files `files` under `root`. */
export function readImports(root: string, files: readonly string[]): ImportEdge[] {
  return files.flatMap((file) => importsOf(relative(root, join(root, file)), readFileSync(join(root, file), 'utf8')));
}

const inside = (path: string | undefined, folder: string): boolean => path?.startsWith(`${folder}/`) === true;

/**
 * The layer rules of ARCHITECTURE.md, as messages for every import that breaks one:
 * - nothing in `lib/` imports from `components/`, `middleware/` or `demo/`;
 * - `lib/browser/` imports only from `lib/protocol/`, `lib/dialects/`, `lib/time/` and itself, and no package;
 * - `lib/time/` (the clock, bundled into the browser runtime too) imports nothing;
 * - `lib/dialects/` (one file per htmx dialect, read by the server and bundled for the browser)
 *   imports only from `lib/browser/`, `lib/protocol/`, `lib/validation/` and itself, and no package;
 * - nothing outside `lib/browser/` and `lib/dialects/` (tests aside) imports from `lib/browser/`;
 * - `demo/` imports only the package's public entry points (`entryPoints`), its own files and packages.
 */
export function layerViolations(edges: readonly ImportEdge[], entryPoints: readonly string[]): string[] {
  const problems: string[] = [];
  for (const { from, specifier, target } of edges) {
    const broken = (rule: string): number => problems.push(`${from} imports ${specifier}: ${rule}`);
    if (inside(from, 'lib') && ['components', 'middleware', 'demo'].some((folder) => inside(target, folder))) {
      broken('lib/ must not depend on components/, middleware/ or demo/');
    }
    if (
      inside(from, 'lib/browser') &&
      !['lib/browser', 'lib/protocol', 'lib/dialects', 'lib/time'].some((at) => inside(target, at))
    ) {
      broken('lib/browser/ imports only lib/protocol/, lib/dialects/, lib/time/ and itself');
    }
    if (inside(from, 'lib/time') && !inside(target, 'lib/time')) {
      broken('lib/time/ imports nothing');
    }
    const dialectImports = ['lib/dialects', 'lib/browser', 'lib/protocol', 'lib/validation'];
    if (inside(from, 'lib/dialects') && !dialectImports.some((at) => inside(target, at))) {
      broken('lib/dialects/ imports only lib/browser/, lib/protocol/, lib/validation/ and itself');
    }
    const browserSide = ['lib/browser', 'lib/dialects', '__tests__'].some((at) => inside(from, at));
    if (!browserSide && inside(target, 'lib/browser')) {
      broken('server code must not import the browser runtime (only a dialect of lib/dialects/ does)');
    }
    if (inside(from, 'demo') && target !== undefined && !inside(target, 'demo') && !entryPoints.includes(target)) {
      broken(`demo/ imports only the public entry points (${entryPoints.join(', ')})`);
    }
  }
  return problems;
}
