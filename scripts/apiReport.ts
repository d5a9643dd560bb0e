/**
 * The API reports: one per entry point of package.json `exports`, written by API Extractor from
 * the declarations `npm run build` put in dist/ (configuration: api-extractor.json).
 *
 * `npm run api` writes them to api/ (commit them with the change that moved the surface);
 * `__tests__/apiReport.test.ts` compares them, so `npm test` fails while a report is stale.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompilerState,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
} from '@microsoft/api-extractor';
import ts from 'typescript';

const root = join(__dirname, '..');
const configPath = join(root, 'api-extractor.json');
const packageJsonPath = join(root, 'package.json');

/** One entry point: the declarations API Extractor reads, and the report they are compared with. */
export interface ApiEntry {
  /** The report's name in api/: `<report>.api.md`. */
  report: string;
  /** Absolute path of the entry point's `.d.ts`. */
  declarations: string;
}

/** What one entry point's run found. */
export interface ApiReportResult {
  report: string;
  /** The surface differs from the committed report (with `update`, the report was rewritten). */
  changed: boolean;
  /** Errors and warnings: a forgotten export, a declaration that does not compile, a diff. */
  problems: string[];
}

/** The package's entry points from `exports`: `./dist/redis.js` is `redis`, reported as `api/redis.api.md`. */
export function packageEntries(): ApiEntry[] {
  const { name, exports } = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as {
    name: string;
    exports: Record<string, { types?: string } | string>;
  };
  return Object.entries(exports)
    .filter((entry): entry is [string, { types: string }] => typeof entry[1] === 'object' && !!entry[1].types)
    .map(([path, { types }]) => ({
      report: path === '.' ? name : path.slice('./'.length),
      declarations: join(root, types),
    }));
}

/** The names `dist/index.d.ts` exports: the entry point is re-exports only, so its syntax tells. */
function mainEntryNames(): Set<string> {
  const path = join(root, 'dist', 'index.d.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const names = new Set<string>();
  for (const statement of source.statements)
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
      for (const element of statement.exportClause.elements) names.add(element.name.text);
  return names;
}

/** The symbol an `ae-forgotten-export` message names. */
function forgottenSymbol(message: ExtractorMessage): string | undefined {
  return message.messageId === 'ae-forgotten-export' ? /The symbol "([^"]+)"/.exec(message.text)?.[1] : undefined;
}

/**
 * Runs API Extractor on each entry (one TypeScript program for all of them) and compares its
 * surface with `api/<report>.api.md`; with `update`, rewrites the reports that differ.
 * A type a signature names must be exported by name: by that entry point, or by `.` (the
 * `Broadcaster` that `/metrics` takes comes from there).
 */
export function runApiReports(entries: ApiEntry[], options: { update: boolean }): ApiReportResult[] {
  const base = ExtractorConfig.loadFile(configPath);
  const exportedByMain = mainEntryNames();
  const scratch = mkdtempSync(join(tmpdir(), 'api-report-'));
  const configs = entries.map((entry) =>
    ExtractorConfig.prepare({
      configObject: {
        ...base,
        mainEntryPointFilePath: entry.declarations,
        apiReport: { ...base.apiReport, enabled: true, reportFileName: entry.report, reportTempFolder: scratch },
      },
      configObjectFullPath: configPath,
      packageJsonFullPath: packageJsonPath,
    }),
  );
  try {
    const compilerState = CompilerState.create(configs[0], {
      additionalEntryPoints: entries.map((entry) => entry.declarations),
    });
    return configs.map((config, index) => {
      const problems: string[] = [];
      const result = Extractor.invoke(config, {
        localBuild: options.update,
        compilerState,
        messageCallback: (message: ExtractorMessage) => {
          message.handled = true;
          if (exportedByMain.has(forgottenSymbol(message) ?? '')) return;
          // Updating, a changed report is what was asked for, not a problem.
          if (options.update && message.messageId.startsWith('console-api-report')) return;
          if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning)
            problems.push(message.formatMessageWithLocation(root));
        },
      });
      const { report } = entries[index];
      if (result.apiReportChanged && !options.update)
        problems.push(`api/${report}.api.md does not match the surface: run \`npm run api\` and commit the report`);
      return { report, changed: result.apiReportChanged, problems };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `npm run api`: writes every report that changed and says which; fails on any other problem. */
function main(): void {
  let failed = false;
  for (const { report, changed, problems } of runApiReports(packageEntries(), { update: true })) {
    console.log(`api/${report}.api.md: ${changed ? 'updated' : 'unchanged'}`);
    for (const problem of problems) {
      console.error(`  ${problem}`);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}

if (require.main === module) main();
