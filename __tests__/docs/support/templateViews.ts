import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import Handlebars, { type HelperOptions } from 'handlebars';
import pug from 'pug';
import { ConnectionMonitor, type ConnectionMonitorProps } from '../../../components/ConnectionMonitor';
import { SseElement, type SseElementProps } from '../../../components/SseElement';
import { SseHead, type SseHeadProps } from '../../../components/SseHead';

/** Where the README's template examples live, one file per engine. */
export const TEMPLATES_DIR = join(__dirname, '..', '..', '..', 'docs', 'examples', 'templates');

/** The engines of the examples, each with its file and the README's fence language. */
export const ENGINES = [
  { engine: 'ejs', file: 'board.ejs', fence: 'ejs' },
  { engine: 'pug', file: 'board.pug', fence: 'pug' },
  { engine: 'handlebars', file: 'board.hbs', fence: 'handlebars' },
] as const;

/** One engine of {@link ENGINES}. */
export type Engine = (typeof ENGINES)[number]['engine'];

/** What the README's wiring hands EJS and Pug views: the components as the local `sse`. */
export const sseLocals = { SseHead, SseElement, ConnectionMonitor };

/** The README's Handlebars helpers: a component per helper, its hash as props, a block's content as children. */
function withSseHelpers(handlebars: typeof Handlebars): typeof Handlebars {
  handlebars.registerHelper({
    sseHead: (options: HelperOptions) => SseHead(options.hash as SseHeadProps),
    connectionMonitor: (options: HelperOptions) => ConnectionMonitor(options.hash as ConnectionMonitorProps),
    sseElement(this: unknown, options: HelperOptions) {
      return SseElement({ ...(options.hash as SseElementProps), children: options.fn(this) });
    },
  });
  return handlebars;
}

/** Renders the example of `engine` with the view's own locals, wired as the README shows. */
export async function renderExample(engine: Engine, locals: { title: string; channel: string }): Promise<string> {
  const file = join(TEMPLATES_DIR, ENGINES.find((each) => each.engine === engine)?.file ?? '');
  if (engine === 'ejs') return ejs.renderFile(file, { ...locals, sse: sseLocals });
  if (engine === 'pug') return pug.renderFile(file, { ...locals, sse: sseLocals });
  return withSseHelpers(Handlebars.create()).compile(readFileSync(file, 'utf8'))(locals);
}
