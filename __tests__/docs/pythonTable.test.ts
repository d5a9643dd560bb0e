import { PackageSurface } from './support/packageSurface';
import { codeSpans, readmeTable } from './support/readmeTable';
import { checkCell, type NameCheck } from './support/tableNames';

const HEADING = 'Coming from the Python library';

/**
 * The README's "Coming from the Python library" table, its TypeScript column checked name by
 * name against the package's sources (see `support/tableNames.ts`). One test per name, so that a
 * failing run lists exactly the names the code lacks.
 */
const surface = new PackageSurface();
const rows = readmeTable(HEADING);
const checks: [string, NameCheck][] = rows.flatMap(({ cells, line }) =>
  checkCell(surface, codeSpans(cells[1] ?? '')).map((check): [string, NameCheck] => [
    `README.md:${line} ${cells[0].replace(/`/g, '').slice(0, 40)}: ${check.name}`,
    check,
  ]),
);

describe(`README "${HEADING}"`, () => {
  it('has a row per seed concept, each with a Python and a TypeScript cell', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.filter((row) => row.cells.length !== 2 || codeSpans(row.cells[1]).length === 0)).toEqual([]);
  });

  it('names enough to check', () => {
    expect(checks.length).toBeGreaterThan(100);
  });

  it.each(checks)('%s', (_title, check) => {
    expect(check.problem).toBeUndefined();
  });
});

describe('the table check', () => {
  it('fails on a prop, a member, an option, a literal or an event that do not exist', () => {
    const failed = checkCell(surface, [
      '<SseElement channel nosuchProp>',
      'broadcaster.nosuchMethod()',
      'MonitorOptions',
      'nosuchOption',
      'broadcaster.publish(channel, { event, data }, { nosuchKey })',
      '<SseHead dialect="htmx9">',
      'sse-monitor:nosuch',
      'NoSuchExport',
    ]).filter((check) => check.problem !== undefined);
    expect(failed.map((check) => check.name)).toEqual([
      'prop SseElement.nosuchProp',
      'member broadcaster.nosuchMethod',
      'option nosuchOption',
      'argument 3 of broadcaster.publish has nosuchKey',
      'SseHead.dialect="htmx9"',
      'DOM event sse-monitor:nosuch',
      'option NoSuchExport',
    ]);
  });
});
