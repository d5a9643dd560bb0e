import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced TypeScript block of the README. */
export interface ReadmeBlock {
  /** `ts` or `tsx`. */
  language: 'ts' | 'tsx';
  /** The first line of code, 1-based, in README.md. */
  line: number;
  /** The heading the block is under. */
  heading: string;
  code: string;
}

/** Every ```ts and ```tsx block of README.md, in order. */
export function readmeBlocks(): ReadmeBlock[] {
  const lines = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let heading = '';
  for (let index = 0; index < lines.length; index += 1) {
    const fence = /^```(ts|tsx)\s*$/.exec(lines[index]);
    if (!fence) {
      if (lines[index].startsWith('#')) heading = lines[index].replace(/^#+\s*/, '');
      continue;
    }
    const start = index + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith('```')) end += 1;
    blocks.push({
      language: fence[1] as 'ts' | 'tsx',
      line: start + 1,
      heading,
      code: lines.slice(start, end).join('\n'),
    });
    index = end;
  }
  return blocks;
}
