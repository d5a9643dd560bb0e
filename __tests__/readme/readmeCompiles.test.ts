import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeBlocks } from './readmeBlocks';

const root = join(__dirname, '..', '..');

/**
 * What README blocks may use without declaring it: the objects a reader has from earlier blocks
 * or from their own app. A block that declares one of these itself shadows it (each block is a module).
 */
const README_CONTEXT = `
declare const app: import('express').Express;
declare const broadcaster: import('express-htmx-sse').Broadcaster;
declare const server: import('node:http').Server;
type ReadmeJob = { jobId: string; percent: number; status: string };
declare const dispatcher: import('express-htmx-sse').EventDispatcher<ReadmeJob>;
declare const updater: import('express-htmx-sse').ElementUpdater<ReadmeJob>;
declare function watchJob(jobId: string, signal: AbortSignal): AsyncIterable<number>;
`;

describe('README.md', () => {
  const blocks = readmeBlocks();

  it('has TypeScript blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  it('compiles every TypeScript block against the built package, as an app would import it', () => {
    // Inside the repo, so that `express-htmx-sse` resolves to this package (its exports and dist) and the rest to node_modules.
    const scratch = mkdtempSync(join(root, '.readme-blocks-'));
    try {
      const files = blocks.map((block, index) => {
        const file = `block${index}.${block.language}`;
        writeFileSync(join(scratch, file), `${block.code}\nexport {};\n`);
        return file;
      });
      writeFileSync(join(scratch, 'context.d.ts'), README_CONTEXT);
      const tsconfig = {
        compilerOptions: {
          target: 'es2022',
          module: 'preserve',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          jsxImportSource: '@kitajs/html',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['context.d.ts', ...files],
      };
      writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig));
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', scratch], {
        cwd: scratch,
        encoding: 'utf8',
      });
      // Each error names the README line it comes from, e.g. "README.md:231 (Quick start): error TS2304 …".
      const errors = `${tsc.stdout}${tsc.stderr}`
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const match = /^block(\d+)\.tsx?\((\d+),\d+\): (.*)$/.exec(line);
          if (!match) return line;
          const block = blocks[Number(match[1])];
          return `README.md:${block.line + Number(match[2]) - 1} (${block.heading}): ${match[3]}`;
        });
      expect(errors).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
