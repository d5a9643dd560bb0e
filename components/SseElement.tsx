import type { PropsWithChildren } from '@kitajs/html';
// Attribute values are escaped in full with escapeHtml: Kita escapes only `"` in them, so an `&amp;` in
// the string would otherwise reach the DOM as `&`.
import { createElement, escapeHtml } from '@kitajs/html';
import { dialectNamed, dialects } from '../lib/dialects/dialectRegistry';
import { assertSingleLineField } from '../lib/protocol/fieldValidation';
import {
  CONNECTION_ID_ATTRIBUTE,
  RESYNC_ATTRIBUTE,
  SHARED_STREAM_ATTRIBUTE,
  sseElementId,
} from '../lib/protocol/monitorContract';
import { describeValue } from '../lib/validation/describeValue';
import { OptionReader } from '../lib/validation/optionReader';
import { DEFAULT_DIALECT, type Dialect } from './dialect';
import { assertElementId } from './elementId';
import { readResyncPath } from './monitorOptions';
import { streamUrl } from './streamUrl';

/** Extra attributes for an element: names are checked, values escaped. */
export type ExtraAttributes = Readonly<Record<string, string | number | boolean>>;

/** Props of {@link SseElement}. */
export interface SseElementProps {
  /** Names the connection: a monitor finds the element by it (`data-sse-connection`). */
  connectionId: string;
  /** The element's id. Default `sse-element-{connectionId}`. */
  id?: string;
  /** The element to render (`section`, `ul`, `tbody`, …). Default `div`. */
  as?: string;
  /** Stream URL (a same-origin path or an http(s) URL). Give this, `channel` or `channels`. */
  url?: string;
  /** Channel served by `sseMiddleware`: the URL becomes `{prefix}/{channel}`. */
  channel?: string;
  /**
   * Several channels on one stream: the URL becomes `{prefix}?channels=a,b`. Each event's id is
   * `<channel>/<position>`; the event names and swaps of the element apply to all of them.
   */
  channels?: readonly string[];
  /**
   * The cursor at render time (`broadcaster.cursor()`), put into the URL as `lastEventId`, so the
   * events published between render and subscribe are replayed. `createSseComponents({ broadcaster })`
   * fills it in on every element.
   */
  lastEventId?: string;
  /** Mount path of the middleware, for `channel`. Default `/sse`. */
  prefix?: string;
  /** Dialect to render for. Default {@link DEFAULT_DIALECT} (`htmx2`). */
  dialect?: Dialect;
  /**
   * Events whose data is swapped in. Default `message` (unnamed events, the library's convention).
   * htmx 2 renders them as `sse-swap`; htmx 4 swaps only unnamed events, so there it must stay `message`.
   */
  swapEvents?: string | readonly string[];
  /** An app event that ends the connection for good (`sse-close` / `hx-sse:close`). */
  closeEvent?: string;
  /** How content is swapped (`hx-swap`), e.g. `beforeend`. Default htmx's `innerHTML`. */
  swap?: string;
  /** Where content goes (`hx-target`). Default the element itself. */
  target?: string;
  /** Classes of the element. */
  class?: string;
  /**
   * Renders the `hidden` attribute: the element stays connected and swaps as usual, unseen (a
   * stream that only carries out-of-band updates, or a job's events). The attribute rather than the
   * Python library's `style="display: none;"`, so a strict CSP (no inline styles) allows it. Default false.
   */
  hidden?: boolean;
  /** Any other attributes (names such as `data-x`, `aria-label`, `hx-on::after-swap`). */
  attributes?: ExtraAttributes;
  /** Default true: a monitored element uses the browser's shared stream (see `<SseHead sharedStream>`); false gives it its own. */
  sharedStream?: boolean;
  /**
   * A path of this site (`/board`) that renders the element's current content. When the element's
   * stream reports a gap (events it missed are no longer in history), the page's runtime fetches it
   * once and swaps the answer in as the element's content (`innerHTML`; `hx-swap-oob` parts go to
   * their targets), in either dialect, with no script of the app. The element is then supervised
   * even without a `<ConnectionMonitor>`, with the default monitor options. Default none.
   * @throws TypeError for another origin (`https://…`, `//host`, `javascript:`), an empty string
   * or whitespace.
   */
  resync?: string;
}

const ATTRIBUTE_NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*$/;
const COMMON_ATTRIBUTES = [
  'id',
  'class',
  'hidden',
  'hx-swap',
  'hx-target',
  CONNECTION_ID_ATTRIBUTE,
  SHARED_STREAM_ATTRIBUTE,
  RESYNC_ATTRIBUTE,
];

/** Names the component sets itself: the common ones and those any registered dialect connects with. */
function reservedNames(): Set<string> {
  const names = new Set(COMMON_ATTRIBUTES);
  const probe = { url: '/', swapEvents: ['message'], closeEvent: 'end' };
  for (const dialect of dialects()) for (const name of Object.keys(dialect.connectAttributes(probe))) names.add(name);
  return names;
}

/** Checks names and escapes string values of extra attributes. @throws TypeError on a bad or reserved name. */
function extraAttributes(attributes: ExtraAttributes | undefined): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  if (attributes === undefined) return result;
  if (attributes === null || typeof attributes !== 'object')
    throw new TypeError(`attributes must be an object, got ${describeValue(attributes)}`);
  const reserved = reservedNames();
  for (const [name, value] of Object.entries(attributes)) {
    if (!ATTRIBUTE_NAME.test(name))
      throw new TypeError(`attribute name must match ${ATTRIBUTE_NAME}, got ${describeValue(name)}`);
    if (reserved.has(name.toLowerCase()))
      throw new TypeError(`attribute ${describeValue(name)} is set by the component; use its prop`);
    if (typeof value === 'string') result[name] = escapeHtml(value);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) result[name] = value;
    else
      throw new TypeError(`attribute ${name} must be a string, finite number or boolean, got ${describeValue(value)}`);
  }
  return result;
}

function eventNames(swapEvents: string | readonly string[]): string[] {
  const names = typeof swapEvents === 'string' ? [swapEvents] : [...swapEvents];
  if (names.length === 0) throw new TypeError('swapEvents must name at least one event');
  for (const name of names) {
    assertSingleLineField('event', name);
    if (name === '' || name.includes(',') || name.trim() !== name)
      throw new TypeError(
        `swap event names must be non-empty, without commas or surrounding spaces, got ${describeValue(name)}`,
      );
  }
  return names;
}

/** Tags that cannot hold swapped content: void elements and raw-text or inert ones. */
const NOT_A_CONTAINER = new Set([
  ...['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'],
  ...['script', 'style', 'template', 'textarea', 'title', 'iframe', 'object', 'noscript'],
]);
const TAG_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function tagName(as: unknown): string {
  if (as === undefined) return 'div';
  if (typeof as !== 'string' || !TAG_NAME.test(as) || NOT_A_CONTAINER.has(as))
    throw new TypeError(`as must be the lower-case name of an element that holds content, got ${describeValue(as)}`);
  return as;
}

/** `value` unless it is given and not a non-empty string. */
function optionalText(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === ''))
    throw new TypeError(`${name} must be a non-empty string, got ${describeValue(value)}`);
  return value;
}

/** Attribute values escaped; an undefined one renders no attribute. */
function escapedAttributes(attributes: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, value === undefined ? undefined : escapeHtml(value)]),
  );
}

/**
 * The element connected to an event stream, for either htmx dialect, from one set of props.
 * htmx 2: `<div hx-ext="sse" sse-connect sse-swap [sse-close]>`; htmx 4: `<div hx-sse:connect
 * [hx-sse:close]>`; `as` names another element. Children are the initial content (markup: escape
 * user text with `safe`).
 * @throws TypeError naming any invalid prop.
 */
export function SseElement(props: PropsWithChildren<SseElementProps>): JSX.Element {
  const dialect = dialectNamed(props.dialect ?? DEFAULT_DIALECT);
  const id = props.id ?? sseElementId(props.connectionId);
  if (props.id !== undefined) assertElementId('id', props.id);
  const tag = tagName(props.as);
  const url = streamUrl(props);
  const swapEvents = eventNames(props.swapEvents ?? 'message');
  if (props.closeEvent !== undefined) assertSingleLineField('event', props.closeEvent);
  const closeEvent = optionalText('closeEvent', props.closeEvent);
  const read = new OptionReader<SseElementProps>('SseElement', props);
  const shared = read.boolean('sharedStream', true);
  const hidden = read.boolean('hidden', false);
  const common = escapedAttributes({
    [SHARED_STREAM_ATTRIBUTE]: shared ? undefined : 'off',
    [RESYNC_ATTRIBUTE]: readResyncPath(read),
    id,
    class: optionalText('class', props.class),
    [CONNECTION_ID_ATTRIBUTE]: props.connectionId,
    'hx-swap': optionalText('swap', props.swap),
    'hx-target': optionalText('target', props.target),
  });
  const connect = escapedAttributes(dialect.connectAttributes({ url, swapEvents, closeEvent }));
  return createElement(tag, { ...common, hidden, ...extraAttributes(props.attributes), ...connect }, props.children);
}
