/**
 * Out-of-band (OOB) swaps: one SSE message carrying fragments for several elements of the page.
 * htmx 2 (with htmx-ext-sse) and htmx 4 (hx-sse) both apply every `hx-swap-oob` element of an
 * unnamed message, and both read the value `style:#id` the same way, so that is the form used
 * whenever a target is named.
 */
import { describeValue } from '../validation/describeValue';
import { readRootTag } from './htmlRootTag';

/** The swap styles both htmx 2 and htmx 4 apply out of band. */
export const SWAP_STYLES = [
  'innerHTML',
  'outerHTML',
  'beforebegin',
  'afterbegin',
  'beforeend',
  'afterend',
  'delete',
  'none',
] as const;

/** One of {@link SWAP_STYLES}. */
export type SwapStyle = (typeof SWAP_STYLES)[number];

/**
 * Ids an OOB swap may target: a letter, then up to 127 of `A-Z a-z 0-9 _ -`. These are valid in
 * a CSS `#id` selector as written (htmx looks targets up with `querySelectorAll`).
 */
export const OOB_TARGET_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** Rendered markup: a string, or a promise of one (a Kita element with async children). */
export type HtmlFragment = string | Promise<string>;

/** How one fragment is swapped in. */
export interface OobOptions {
  /**
   * Id of the element to swap into. Without it, the fragment's root element must have an `id`
   * (it is swapped into the element with that id), or already carry its own `hx-swap-oob`.
   */
  target?: string;
  /**
   * Swap style. Default `innerHTML` when a `target` is named (wrapped or not, as the Python
   * library), `outerHTML` when the fragment's own root `id` is the target (htmx's own default,
   * which keeps the id on the page).
   */
  swap?: SwapStyle;
  /**
   * `true`: wrap the fragment in `<div hx-swap-oob="{swap}:#{target}">`, so any markup (text,
   * several elements) goes into the target; needs `target`, and refuses `outerHTML` (the wrapper
   * would replace the target). `false`: put `hx-swap-oob` on the fragment's root element.
   * Default: `true` when `target` is given, else `false`.
   */
  wrap?: boolean;
  /**
   * `false`: the fragment is not out of band but the message's own content, added as it is and
   * swapped into the element the message arrives at (by that element's `hx-swap`), as the Python
   * library does with an element given no target. It must be asked for: by default a fragment with
   * neither a target nor an `id` is refused, since it would land in the connected element
   * unnoticed. Not with `target`, `swap` or `wrap`. Default `true`.
   */
  oob?: boolean;
}

/** A fragment with its swap options (what `ElementUpdater` handlers may return). */
export interface OobFragment<H extends HtmlFragment = HtmlFragment> extends OobOptions {
  /** The markup. */
  html: H;
}

/** True when `value` is one of {@link SWAP_STYLES}. */
export function isSwapStyle(value: unknown): value is SwapStyle {
  return typeof value === 'string' && (SWAP_STYLES as readonly string[]).includes(value);
}

/** Throws a `TypeError` naming the value unless it is one of {@link SWAP_STYLES}. */
export function assertSwapStyle(value: unknown): asserts value is SwapStyle {
  if (!isSwapStyle(value))
    throw new TypeError(`swap style must be one of ${SWAP_STYLES.join(', ')}, got ${describeValue(value)}`);
}

/** Throws a `TypeError` naming the value unless it matches {@link OOB_TARGET_ID_PATTERN}. */
export function assertOobTargetId(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !OOB_TARGET_ID_PATTERN.test(value)) {
    throw new TypeError(`OOB target id must match ${OOB_TARGET_ID_PATTERN}, got ${describeValue(value)}`);
  }
}

/** The `hx-swap-oob` value for a swap style and an optional target id (`beforeend:#log`). */
export function oobSwapValue(swap: SwapStyle, target?: string): string {
  assertSwapStyle(swap);
  if (target === undefined) return swap;
  assertOobTargetId(target);
  return `${swap}:#${target}`;
}

/** Escapes a value for a double-quoted HTML attribute. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Validated options, with defaults applied. */
interface ResolvedOptions {
  target: string | undefined;
  swap: SwapStyle | undefined;
  wrap: boolean;
  oob: boolean;
}

function resolveOptions(options: OobOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`OOB options must be an object, got ${describeValue(options)}`);
  const { target, swap } = options;
  if (options.oob !== undefined && typeof options.oob !== 'boolean')
    throw new TypeError(`OOB option oob must be a boolean, got ${describeValue(options.oob)}`);
  if (options.oob === false) {
    const given = (['target', 'swap', 'wrap'] as const).filter((name) => options[name] !== undefined);
    if (given.length > 0)
      throw new TypeError(`OOB option oob: false (the message's own content) takes no ${given.join(', ')}`);
    return { target: undefined, swap: undefined, wrap: false, oob: false };
  }
  if (target !== undefined) assertOobTargetId(target);
  if (swap !== undefined) assertSwapStyle(swap);
  if (options.wrap !== undefined && typeof options.wrap !== 'boolean')
    throw new TypeError(`OOB option wrap must be a boolean, got ${describeValue(options.wrap)}`);
  const wrap = options.wrap ?? target !== undefined;
  if (wrap && target === undefined) throw new TypeError('OOB option wrap: true needs a target id');
  if (wrap && swap === 'outerHTML')
    throw new TypeError(
      `OOB swap "outerHTML" with wrap: true would replace #${target} by the wrapper; use wrap: false`,
    );
  return { target, swap, wrap, oob: true };
}

function applyOob(html: string, options: ResolvedOptions): string {
  if (typeof html !== 'string')
    throw new TypeError(`OOB fragment must be rendered HTML (a string), got ${describeValue(html)}`);
  if (!options.oob) return html;
  if (options.wrap) {
    return `<div hx-swap-oob="${escapeAttribute(oobSwapValue(options.swap ?? 'innerHTML', options.target))}">${html}</div>`;
  }
  const root = readRootTag(html);
  if (!root)
    throw new TypeError(`OOB fragment needs an element as its root (or wrap: true), got ${describeValue(html)}`);
  const own = root.attributes.has('hx-swap-oob') || root.attributes.has('data-hx-swap-oob');
  if (own) {
    if (options.target !== undefined || options.swap !== undefined) {
      throw new TypeError(
        `OOB fragment already has its own hx-swap-oob; drop target/swap or the attribute: ${describeValue(html)}`,
      );
    }
    return html;
  }
  if (options.target === undefined) {
    const id = root.attributes.get('id');
    if (id === undefined)
      throw new TypeError(
        `OOB fragment root <${root.name}> has no id: give it one, pass a target, or oob: false for the message's own content, got ${describeValue(html)}`,
      );
    assertOobTargetId(id);
  }
  const value = oobSwapValue(
    options.swap ?? (options.target === undefined ? 'outerHTML' : 'innerHTML'),
    options.target,
  );
  return `${html.slice(0, root.nameEnd)} hx-swap-oob="${escapeAttribute(value)}"${html.slice(root.nameEnd)}`;
}

/**
 * Renders one fragment with its `hx-swap-oob` applied (see {@link OobOptions}).
 * @throws TypeError naming the bad target, swap style or fragment.
 */
export function renderOobFragment(html: string, options: OobOptions = {}): string {
  return applyOob(html, resolveOptions(options));
}

/**
 * Collects fragments and builds one OOB payload: publish it as the `data` of an unnamed event
 * (`broadcaster.publish(channel, { data: builder.build() })`).
 *
 * ```ts
 * new OobStreamBuilder()
 *   .add(<JobProgress jobId="7" value={40} />)
 *   .add(<li safe>{line}</li>, { target: 'job-log-7', swap: 'beforeend' })
 *   .build();
 * ```
 */
export class OobStreamBuilder {
  /** Rendered fragments, or promised ones with their options (applied in `build`, so a bad one rejects there). */
  readonly #parts: (string | { pending: Promise<string>; options: ResolvedOptions })[] = [];

  /**
   * Adds a fragment. Options are checked at once; a string fragment is checked at once too, a
   * promised one when it settles.
   * @throws TypeError naming the bad target, swap style or fragment.
   */
  add(element: HtmlFragment, options: OobOptions = {}): this {
    const resolved = resolveOptions(options);
    this.#parts.push(
      element instanceof Promise ? { pending: element, options: resolved } : applyOob(element, resolved),
    );
    return this;
  }

  /** Adds several fragments, each with its own options. */
  addAll(fragments: readonly OobFragment[]): this {
    for (const { html, ...options } of fragments) this.add(html, options);
    return this;
  }

  /** How many fragments were added. */
  get size(): number {
    return this.#parts.length;
  }

  /** Forgets every fragment. */
  clear(): this {
    this.#parts.length = 0;
    return this;
  }

  /** The payload: every fragment in order, as one string (a promise when a fragment is async). */
  build(): HtmlFragment {
    const parts = [...this.#parts];
    if (parts.every((part): part is string => typeof part === 'string')) return parts.join('');
    return Promise.all(
      parts.map((part) =>
        typeof part === 'string' ? part : part.pending.then((html) => applyOob(html, part.options)),
      ),
    ).then((settled) => settled.join(''));
  }
}
