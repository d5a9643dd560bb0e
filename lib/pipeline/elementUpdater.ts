/**
 * Turns an event (type + data) into the HTML fragments that update the page, without the code
 * that raises the event knowing any component. Handlers are registered per event type and return
 * JSX (sync or async); `render` applies `hx-swap-oob` to each fragment and joins them into one
 * string, ready to be the `data` of `broadcaster.publish`.
 *
 * Order of one render: pre-processors transform the data in registration order; the type's
 * handlers run (higher priority first, registration order among equals), or the default handler
 * when the type has none; their fragments are awaited; post-processors transform the fragment
 * list in order; each fragment gets its `hx-swap-oob` (see `OobOptions`).
 */

import { describeValue } from '../validation/describeValue';
import { addCallback, assertFunction, insertByPriority } from './callbackList';
import { assertEventType } from './eventPattern';
import { type HtmlFragment, type OobFragment, OobStreamBuilder } from './oobStreamBuilder';

/** A fragment with its swap options, or bare markup whose root element has an `id` (swapped `outerHTML`). */
export type UpdateItem = HtmlFragment | OobFragment;

/** What a handler returns: one item, several, or nothing. */
export type UpdateResult = UpdateItem | readonly UpdateItem[] | null | undefined;

/** Builds the fragments for one event. */
export type UpdateHandler<D> = (data: D, type: string) => UpdateResult | Promise<UpdateResult>;

/** Changes the data before handlers see it. */
export type DataPreprocessor<D> = (data: D, type: string) => D | Promise<D>;

/** Changes the list of rendered fragments (add, drop, reorder, change options). */
export type FragmentPostprocessor = (
  fragments: OobFragment<string>[],
  type: string,
) => OobFragment<string>[] | Promise<OobFragment<string>[]>;

interface Registration<D> {
  handler: UpdateHandler<D>;
  priority: number;
}

/** See the module comment. `D` is the event data type. */
export class ElementUpdater<D = unknown> {
  readonly #handlers = new Map<string, Registration<D>[]>();
  readonly #preprocessors: DataPreprocessor<D>[] = [];
  readonly #postprocessors: FragmentPostprocessor[] = [];
  #defaultHandler: UpdateHandler<D> | undefined;

  /**
   * Registers `handler` for events of exactly `type`. Returns a function that removes it.
   * @param options.priority - higher runs (and renders) first. Default 0.
   * @throws TypeError naming a bad type, handler or priority.
   */
  on(type: string, handler: UpdateHandler<D>, options: { priority?: number } = {}): () => void {
    assertEventType(type);
    assertFunction(handler, 'update handler');
    const priority = options.priority ?? 0;
    if (!Number.isFinite(priority))
      throw new TypeError(`update handler priority must be a finite number, got ${describeValue(priority)}`);
    const registration = { handler, priority };
    const list = this.#handlers.get(type) ?? [];
    insertByPriority(list, registration);
    this.#handlers.set(type, list);
    return () => {
      const current = this.#handlers.get(type)?.filter((existing) => existing !== registration) ?? [];
      if (current.length === 0) this.#handlers.delete(type);
      else this.#handlers.set(type, current);
    };
  }

  /** Sets (or, with `undefined`, removes) the handler for types that have none. */
  setDefault(handler: UpdateHandler<D> | undefined): void {
    if (handler !== undefined) assertFunction(handler, 'default handler');
    this.#defaultHandler = handler;
  }

  /** Adds a data pre-processor. Returns a function that removes it. */
  preprocess(preprocessor: DataPreprocessor<D>): () => void {
    return addCallback(this.#preprocessors, preprocessor, 'pre-processor');
  }

  /** Adds a fragment-list post-processor. Returns a function that removes it. */
  postprocess(postprocessor: FragmentPostprocessor): () => void {
    return addCallback(this.#postprocessors, postprocessor, 'post-processor');
  }

  /** The event types that have handlers. */
  types(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Removes the handlers of `type`, or of every type (the default handler stays). */
  clear(type?: string): void {
    if (type === undefined) this.#handlers.clear();
    else this.#handlers.delete(type);
  }

  /** The fragments for an event, rendered and post-processed, before `hx-swap-oob` is applied. */
  async fragments(type: string, data: D): Promise<OobFragment<string>[]> {
    assertEventType(type);
    let current = data;
    for (const preprocessor of this.#preprocessors) current = await preprocessor(current, type);
    const registered = this.#handlers.get(type)?.map((registration) => registration.handler);
    const handlers = registered ?? (this.#defaultHandler ? [this.#defaultHandler] : []);
    let fragments: OobFragment<string>[] = [];
    for (const handler of handlers) fragments.push(...(await settle(await handler(current, type))));
    for (const postprocessor of this.#postprocessors) fragments = await postprocessor(fragments, type);
    return fragments;
  }

  /**
   * The OOB payload for an event: every fragment with its `hx-swap-oob`, joined. Resolves to `''`
   * when no handler (and no default) produced anything.
   * @throws TypeError naming a fragment or option that cannot be swapped out of band.
   */
  async render(type: string, data: D): Promise<string> {
    return new OobStreamBuilder().addAll(await this.fragments(type, data)).build();
  }
}

/** Awaits the markup of every item a handler returned, keeping each item's options. */
async function settle(result: UpdateResult): Promise<OobFragment<string>[]> {
  if (result === null || result === undefined) return [];
  const items: readonly UpdateItem[] = Array.isArray(result) ? result : [result as UpdateItem];
  return Promise.all(
    items.map(async (item) => {
      if (typeof item === 'string' || item instanceof Promise) return { html: await item };
      if (item === null || typeof item !== 'object' || !('html' in item)) {
        throw new TypeError(
          `update handler must return markup or { html, target?, swap?, wrap?, oob? }, got ${describeValue(item)}`,
        );
      }
      return { ...item, html: await item.html };
    }),
  );
}
