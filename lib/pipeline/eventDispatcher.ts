/**
 * Routes application events ("job 7 made progress") to the handlers registered for them, by
 * pattern (see `eventPattern`), through transformers, filters and middleware.
 *
 * Order of one dispatch: the event is validated; transformers run in registration order, each
 * getting the previous one's event; filters run in order and any `false` ends the dispatch with
 * no results; middleware runs outermost-first, each deciding whether and with what event the rest
 * runs; at the end, the handlers whose pattern matches the (possibly modified) event type run one
 * after another, higher priority first and in registration order among equals.
 *
 * Error policy: a throwing handler does not stop the others. Once all have run, `dispatch`
 * rejects with a {@link DispatchError} (an `AggregateError`) whose `errors` are one
 * {@link HandlerError} per failed handler, each naming the event type, the handler and its
 * pattern, and whose `results` hold what the other handlers returned. Errors thrown by a
 * transformer, filter or middleware reject the dispatch as they are.
 */

import { describeValue } from '../validation/describeValue';
import { addCallback, assertFunction, insertByPriority } from './callbackList';
import { assertEventType, compileEventPattern, type EventPattern } from './eventPattern';

/** An application event: a type (segments joined by `:`) and its data. */
export interface DispatchedEvent<D = unknown> {
  /** Event type, e.g. `job:progress`. */
  readonly type: string;
  /** Whatever the handlers need. */
  readonly data: D;
}

/** A handler: its result is collected into what `dispatch` resolves to. */
export type EventHandler<D, R> = (event: DispatchedEvent<D>) => R | Promise<R>;

/**
 * Runs around the rest of the pipeline. Call `next()` to go on, `next(changedEvent)` to go on with
 * another event, or do not call it to stop the dispatch (return the results you want, e.g. `[]`).
 * `next` may be called once.
 */
export type EventMiddleware<D, R> = (
  event: DispatchedEvent<D>,
  next: (event?: DispatchedEvent<D>) => Promise<R[]>,
) => R[] | Promise<R[]>;

/** Decides whether an event is handled at all: `false` ends the dispatch with no results. */
export type EventFilter<D> = (event: DispatchedEvent<D>) => boolean | Promise<boolean>;

/** Returns the event the rest of the pipeline sees (a new object; do not mutate the old one). */
export type EventTransformer<D> = (event: DispatchedEvent<D>) => DispatchedEvent<D> | Promise<DispatchedEvent<D>>;

/** Options of {@link EventDispatcher.on}. */
export interface HandlerOptions {
  /** Higher runs first; equal priorities run in registration order. Default 0. */
  priority?: number;
  /** Name used in error reports. Default: the function's name, else `(anonymous)`. */
  name?: string;
}

/** One handler's failure, naming the event, the handler and its pattern; `cause` is what it threw. */
export class HandlerError extends Error {
  /** The event type being handled. */
  readonly eventType: string;
  /** The handler's name (see {@link HandlerOptions.name}). */
  readonly handler: string;
  /** The pattern it was registered with. */
  readonly pattern: string;

  /** @internal built by the dispatcher. */
  constructor(eventType: string, handler: string, pattern: string, cause: unknown) {
    super(
      `handler "${handler}" (pattern "${pattern}") failed on event "${eventType}": ${cause instanceof Error ? cause.message : describeValue(cause)}`,
      { cause },
    );
    this.name = 'HandlerError';
    this.eventType = eventType;
    this.handler = handler;
    this.pattern = pattern;
  }
}

/** Rejection of a dispatch in which one or more handlers threw; see the module comment. */
export class DispatchError<R = unknown> extends AggregateError {
  /** The event as the handlers saw it. */
  readonly event: DispatchedEvent;
  /** One per failed handler, in run order. */
  declare readonly errors: HandlerError[];
  /** The result of each matched handler in run order; `undefined` where it threw. */
  readonly results: (R | undefined)[];

  /** @internal built by the dispatcher. */
  constructor(event: DispatchedEvent, errors: HandlerError[], results: (R | undefined)[]) {
    super(
      errors,
      `${errors.length} of ${results.length} handlers failed on event "${event.type}": ${errors.map((error) => error.message).join('; ')}`,
    );
    this.name = 'DispatchError';
    this.event = event;
    this.results = results;
  }
}

interface Registration<D, R> {
  pattern: EventPattern;
  handler: EventHandler<D, R>;
  priority: number;
  name: string;
}

/** See the module comment. `D` is the event data type, `R` what handlers return. */
export class EventDispatcher<D = unknown, R = unknown> {
  /** Kept sorted: priority descending, registration order among equals. */
  #handlers: Registration<D, R>[] = [];
  readonly #middleware: EventMiddleware<D, R>[] = [];
  readonly #filters: EventFilter<D>[] = [];
  readonly #transformers: EventTransformer<D>[] = [];

  /**
   * Registers `handler` for the event types `pattern` selects (`job:progress`, `job:*`,
   * `**:completed`). Returns a function that removes it.
   * @throws TypeError naming the pattern when it is invalid, or naming a bad handler or priority.
   */
  on(pattern: string, handler: EventHandler<D, R>, options: HandlerOptions = {}): () => void {
    const compiled = compileEventPattern(pattern);
    assertFunction(handler, `handler for pattern "${pattern}"`);
    const priority = options.priority ?? 0;
    if (!Number.isFinite(priority))
      throw new TypeError(`handler priority must be a finite number, got ${describeValue(priority)}`);
    const registration: Registration<D, R> = {
      pattern: compiled,
      handler,
      priority,
      name: options.name ?? (handler.name || '(anonymous)'),
    };
    insertByPriority(this.#handlers, registration);
    return () => {
      this.#handlers = this.#handlers.filter((existing) => existing !== registration);
    };
  }

  /** Adds middleware (outermost first, in registration order). Returns a function that removes it. */
  use(middleware: EventMiddleware<D, R>): () => void {
    return addCallback(this.#middleware, middleware, 'middleware');
  }

  /** Adds a filter; every filter must return true for an event to be handled. Returns a remover. */
  filter(filter: EventFilter<D>): () => void {
    return addCallback(this.#filters, filter, 'filter');
  }

  /** Adds a transformer, run before filters and middleware. Returns a function that removes it. */
  transform(transformer: EventTransformer<D>): () => void {
    return addCallback(this.#transformers, transformer, 'transformer');
  }

  /** Removes the handlers registered with exactly `pattern`, or every handler. */
  clear(pattern?: string): void {
    this.#handlers =
      pattern === undefined ? [] : this.#handlers.filter((registration) => registration.pattern.source !== pattern);
  }

  /** How many handlers would run for `type` (before filters and middleware). */
  handlerCount(type: string): number {
    assertEventType(type);
    return this.#handlers.filter((registration) => registration.pattern.test(type)).length;
  }

  /**
   * Runs `event` through the pipeline and resolves to the matched handlers' results, in run order.
   * @throws TypeError when the event (or one produced by a transformer or middleware) is invalid.
   * @throws DispatchError when handlers threw (see the module comment).
   */
  async dispatch(event: DispatchedEvent<D>): Promise<R[]> {
    let current = checkedEvent(event, 'dispatched');
    for (const transformer of this.#transformers)
      current = checkedEvent(await transformer(current), 'returned by a transformer');
    for (const filter of this.#filters) if (!(await filter(current))) return [];
    return this.#runFrom(0, current);
  }

  async #runFrom(index: number, event: DispatchedEvent<D>): Promise<R[]> {
    const middleware = this.#middleware[index];
    if (!middleware) return this.#runHandlers(event);
    let called = false;
    const next = (changed?: DispatchedEvent<D>): Promise<R[]> => {
      if (called) return Promise.reject(new Error(`middleware #${index} called next() twice on event "${event.type}"`));
      called = true;
      return this.#runFrom(
        index + 1,
        changed === undefined ? event : checkedEvent(changed, 'passed to next() by middleware'),
      );
    };
    return middleware(event, next);
  }

  async #runHandlers(event: DispatchedEvent<D>): Promise<R[]> {
    const matched = this.#handlers.filter((registration) => registration.pattern.test(event.type));
    const results: (R | undefined)[] = [];
    const errors: HandlerError[] = [];
    for (const registration of matched) {
      try {
        results.push(await registration.handler(event));
      } catch (error) {
        results.push(undefined);
        errors.push(new HandlerError(event.type, registration.name, registration.pattern.source, error));
      }
    }
    if (errors.length > 0) throw new DispatchError<R>(event, errors, results);
    return results as R[];
  }
}

function checkedEvent<D>(event: DispatchedEvent<D>, where: string): DispatchedEvent<D> {
  if (event === null || typeof event !== 'object')
    throw new TypeError(`event ${where} must be { type, data }, got ${describeValue(event)}`);
  assertEventType(event.type);
  return event;
}
