import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiEntry, type ApiReportResult, packageEntries, runApiReports } from '../scripts/apiReport';

const dist = join(__dirname, '..', 'dist');

describe('the API reports in api/ (API Extractor on the declarations `npm run build` wrote)', () => {
  let scratch: string;
  let entries: ApiReportResult[];
  let added: ApiReportResult;
  let leaking: ApiReportResult;

  /** The "." entry point as built, plus `declarations`: what a change to index.ts would publish. */
  function mainEntryWith(name: string, declarations: string): ApiEntry {
    const path = join(scratch, `${name}.d.ts`);
    writeFileSync(path, `export * from ${JSON.stringify(join(dist, 'index'))};\n${declarations}\n`);
    return { report: 'express-htmx-sse', declarations: path };
  }

  beforeAll(() => {
    if (!existsSync(join(dist, 'index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first');
    scratch = mkdtempSync(join(tmpdir(), 'api-probe-'));
    // One run (one TypeScript program) for the package's entry points and two changed surfaces.
    const results = runApiReports(
      [
        ...packageEntries(),
        mainEntryWith('added', 'export declare const addedWithoutReport: number;'),
        mainEntryWith(
          'leaking',
          'interface Unexported {\n  id: string;\n}\nexport declare function leak(): Unexported;',
        ),
      ],
      { update: false },
    );
    [added, leaking] = results.splice(-2);
    entries = results;
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('match the surface of every entry point of package.json `exports`', () => {
    expect(entries.map(({ report }) => report)).toEqual(['express-htmx-sse', 'redis', 'testing', 'metrics']);
    for (const entry of entries) expect(entry).toEqual({ report: entry.report, changed: false, problems: [] });
  });

  it('tell an export added to an entry point without its report', () => {
    expect(added.changed).toBe(true);
    expect(added.problems).toContain(
      'api/express-htmx-sse.api.md does not match the surface: run `npm run api` and commit the report',
    );
  });

  it('tell a signature that names a type no entry point exports', () => {
    expect(leaking.problems).toEqual(
      expect.arrayContaining([expect.stringContaining('(ae-forgotten-export) The symbol "Unexported"')]),
    );
  });
});
