import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One body row of a README table: its cells (with `\|` read as `|`) and its line in README.md. */
export interface TableRow {
  cells: string[];
  /** 1-based line in README.md. */
  line: number;
}

/** Splits a Markdown table line on its unescaped pipes. */
function cellsOf(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/);
  return cells.map((cell) => cell.replace(/\\\|/g, '|').trim());
}

/**
 * The body rows of the first table under the README heading `heading` (its text after the `#`s).
 * @throws Error when the heading or its table is missing, so a renamed section fails loudly.
 */
export function readmeTable(
  heading: string,
  readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8'),
): TableRow[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+\s*/, '') === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  let index = start + 1;
  while (index < lines.length && !lines[index].startsWith('|') && !lines[index].startsWith('#')) index += 1;
  if (index >= lines.length || !lines[index].startsWith('|')) throw new Error(`no table under "${heading}"`);
  const rows: TableRow[] = [];
  // The header and the --- line come first.
  for (index += 2; index < lines.length && lines[index].startsWith('|'); index += 1) {
    rows.push({ cells: cellsOf(lines[index]), line: index + 1 });
  }
  return rows;
}

/** The text of every `code span` in a cell, in order. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
}
