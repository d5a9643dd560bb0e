import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { ConnectionMonitor } from '../../components/ConnectionMonitor';
import { SseElement } from '../../components/SseElement';
import { SseHead } from '../../components/SseHead';
import { ENGINES, renderExample, TEMPLATES_DIR } from './support/templateViews';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const HEADING = '## With EJS, Pug or Handlebars';

/** The fenced blocks of `language` in the README's template-engine section. */
function readmeBlocks(language: string): string[] {
  const start = README.indexOf(`\n${HEADING}\n`);
  const section = README.slice(start, README.indexOf('\n## ', start + 1));
  return [...section.matchAll(new RegExp(`\\n\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\n`, 'g'))].map(
    (match) => match[1],
  );
}

/** A title with markup in it: the engines' own escaping must still apply around the components. */
const TITLE = 'Board <b>&</b>';
const ELEMENT = { connectionId: 'board', channel: 'board', children: 'Waiting for news…' };

describe.each(ENGINES)('the $engine example', ({ engine, file, fence }) => {
  let html = '';
  beforeAll(async () => {
    html = await renderExample(engine, { title: TITLE, channel: 'board' });
  });

  it(`is shown in the README as it is in docs/examples/templates/${file}`, () => {
    expect(readmeBlocks(fence)).toEqual([readFileSync(join(TEMPLATES_DIR, file), 'utf8')]);
  });

  it('prints the head, the monitor and the element exactly as the components render them', () => {
    expect(html).toContain(SseHead() as string);
    expect(html).toContain(ConnectionMonitor({ connectionId: 'board' }) as string);
    expect(html).toContain(SseElement(ELEMENT) as string);
  });

  it('gives a page with the runtime in the head and the monitored element in the body', () => {
    const page = parse(html);
    const scripts = page.querySelectorAll('head script').map((script) => script.getAttribute('src'));
    expect(scripts).toEqual(['/sse/_assets/htmx2.js', '/sse/_assets/htmx-ext-sse.js', '/sse/_assets/monitor.js']);
    const element = page.querySelector('body #sse-element-board');
    expect(element?.getAttribute('sse-connect')).toBe('/sse/board');
    expect(element?.getAttribute('data-sse-connection')).toBe('board');
    expect(element?.text).toBe('Waiting for news…');
    const monitor = page.querySelector('body #sse-status-board');
    expect(JSON.parse(monitor?.getAttribute('data-sse-monitor') ?? '{}')).toMatchObject({ connectionId: 'board' });
  });

  it("escapes the view's own text as the engine always does", () => {
    expect(parse(html).querySelector('h1')?.text).toBe(TITLE);
    expect(html).not.toContain('<b>');
  });
});
