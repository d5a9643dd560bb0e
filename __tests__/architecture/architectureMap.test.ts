import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = join(__dirname, '..', '..');
const map = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
const code = [...map.matchAll(/`([^`\s]+)`/g)].map((match) => match[1]);

describe('ARCHITECTURE.md', () => {
  it('is linked from the README', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('(ARCHITECTURE.md)');
  });

  it('names only paths that exist', () => {
    const paths = code.filter((text) => /^[\w.-]+(\/[\w.-]+)*\/?$/.test(text) && text.includes('/'));
    expect(paths.length).toBeGreaterThan(30);
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('names only files that exist (a bare name is looked up in the tracked tree)', () => {
    const tracked = new Set(
      execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .map((file) => basename(file)),
    );
    const names = code.filter((text) => /^[\w.-]+\.(ts|tsx|css|js)$/.test(text));
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !tracked.has(name))).toEqual([]);
  });
});
