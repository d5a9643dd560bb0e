/**
 * Views: per-viewer events, rendered once per audience. An event stores its data once (in history
 * and on every bus); a process that registered a view for the event's name renders that data once
 * per distinct audience key among its own streams, encodes each rendering once, and writes it to
 * the streams of that audience. Replay renders the same way, so a stream that comes back reads what
 * it would have read live.
 */

import { formatStreamEventId } from '../protocol/eventId';
import { parseFrame } from '../protocol/eventStreamParser';
import { assertSingleLineField } from '../protocol/fieldValidation';
import { serializeData } from '../protocol/serializeData';
import { encodeEvent } from '../protocol/wireFormat';
import { describeValue } from '../validation/describeValue';

/**
 * How the events of one name are rendered per viewer. The viewer is the stream's `metadata` (what
 * the middleware's `metadata` option or `connect`'s options gave it).
 * @typeParam M - the streams' metadata.
 * @typeParam D - the event's data, as published (after a JSON round trip, see {@link EventView.render}).
 */
export interface EventView<M = unknown, D = unknown> {
  /**
   * The viewer's audience: every viewer of one key reads the same rendering, made once (e.g.
   * `(viewer) => viewer.role`, or `viewer.id` for one per user). A string or a number;
   * `undefined` gives the stream the event as published.
   */
  audience(viewer: M): string | number | undefined;
  /**
   * The event for one audience, called once per audience per event in each process, with the
   * viewer of the first stream of that audience (so it may depend only on what the audience key
   * captures). `data` is the published data after a JSON round trip (an object arrives as that
   * object; a string that is not JSON as the string). Returns HTML (a string or synchronous
   * Kita JSX) or an object (sent as JSON). It must not return a promise: delivery is synchronous.
   */
  render(data: D, viewer: M): unknown;
}

/** Where a view failed, as the broadcaster's `viewError` event reports it. */
export interface ViewFailure {
  /** The event's channel. */
  channel: string;
  /** The event's name (`message` when it was published without one). */
  event: string;
  /** The event's id (`<channel>/<position>`). */
  id: string;
  /** The audience whose rendering failed (undefined when `audience` itself threw or answered a bad key). */
  audience: string | undefined;
}

/** An event as a view reads it: as delivered live, or as history kept it. */
interface ViewedEvent {
  channel: string;
  /** The event's position. */
  id: string;
  event?: string;
  /** Serialized payload text; read back from `frame` when absent. */
  data?: string;
  frame: Buffer;
}

/** The renderings of one event, by audience (null: the view failed for that audience). */
interface Renderings {
  data: unknown;
  frames: Map<string, Buffer | null>;
}

/** How many events' renderings are kept for replay and for the streams a later delivery reaches. */
const RENDERED_EVENTS = 256;
const DEFAULT_EVENT = 'message';

/** Reads the published data back as the view gets it. */
function viewData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The views of one broadcaster (see the module comment). A view that throws, answers a promise or
 * a bad audience key leaves the streams it covers without that event (never the data as
 * published, which the view exists to keep from them), and is reported through `onFailure`.
 */
export class EventViews<M> {
  readonly #views = new Map<string, EventView<M>>();
  readonly #rendered = new Map<string, Renderings>();
  readonly #onFailure: (error: Error, failure: ViewFailure) => void;

  /** @param onFailure - told of each view that failed, once per event and audience. */
  constructor(onFailure: (error: Error, failure: ViewFailure) => void) {
    this.#onFailure = onFailure;
  }

  /** How many event names have a view. */
  get size(): number {
    return this.#views.size;
  }

  /**
   * Registers the view of event `event`; returns a function that removes it.
   * @throws TypeError for a bad name or view, or when `event` has a view already.
   */
  add(event: string, view: EventView<M>): () => void {
    if (typeof event !== 'string' || event === '')
      throw new TypeError(`view: event must be a non-empty string, got ${describeValue(event)}`);
    assertSingleLineField('event', event);
    if (view === null || typeof view !== 'object')
      throw new TypeError(`view "${event}": expected { audience, render }, got ${describeValue(view)}`);
    for (const name of ['audience', 'render'] as const)
      if (typeof view[name] !== 'function')
        throw new TypeError(`view "${event}": ${name} must be a function, got ${describeValue(view[name])}`);
    if (this.#views.has(event)) throw new TypeError(`view: event "${event}" has a view already`);
    const entry = { audience: view.audience, render: view.render };
    this.#views.set(event, entry);
    this.#rendered.clear();
    return () => {
      if (this.#views.get(event) === entry) this.#views.delete(event);
      this.#rendered.clear();
    };
  }

  /**
   * How `event` reaches each stream, made once per event: undefined when no view covers it (every
   * stream gets the event's own frame); else a function of a stream's viewer that answers its
   * audience's rendering (rendered on first need), the event's own frame for a viewer with no
   * audience, or undefined when the view failed for that viewer.
   */
  presenter(event: ViewedEvent): ((viewer: M) => Buffer | undefined) | undefined {
    if (this.#views.size === 0) return undefined;
    let { event: name, data } = event;
    if (data === undefined) ({ event: name, data } = parseFrame(event.frame));
    const eventName = name ?? DEFAULT_EVENT;
    const view = this.#views.get(eventName);
    if (!view) return undefined;
    const id = formatStreamEventId(event.channel, event.id);
    const renderings = this.#renderingsOf(id, data);
    const fail = (error: unknown, audience: string | undefined): undefined => {
      this.#onFailure(error instanceof Error ? error : new Error(String(error)), {
        channel: event.channel,
        event: eventName,
        id,
        audience,
      });
      return undefined;
    };
    return (viewer) => {
      let audience: string | undefined;
      try {
        audience = audienceOf(view, viewer);
      } catch (error) {
        return fail(error, undefined);
      }
      if (audience === undefined) return event.frame;
      const known = renderings.frames.get(audience);
      if (known !== undefined) return known ?? undefined;
      let frame: Buffer | null = null;
      try {
        frame = encodeEvent({ event: name, id, data: renderOnce(view, renderings.data, viewer) });
      } catch (error) {
        fail(error, audience);
      }
      renderings.frames.set(audience, frame);
      return frame ?? undefined;
    };
  }

  #renderingsOf(id: string, data: string): Renderings {
    let renderings = this.#rendered.get(id);
    if (renderings) return renderings;
    renderings = { data: viewData(data), frames: new Map() };
    this.#rendered.set(id, renderings);
    if (this.#rendered.size > RENDERED_EVENTS) this.#rendered.delete(this.#rendered.keys().next().value!);
    return renderings;
  }
}

/** The viewer's audience key, as a string; undefined for none. */
function audienceOf<M>(view: EventView<M>, viewer: M): string | undefined {
  const key = view.audience(viewer);
  if (key === undefined || typeof key === 'string') return key;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  throw new TypeError(`view audience must be a string, a finite number or undefined, got ${describeValue(key)}`);
}

/** Calls the view's render and serializes what it returns, which must not be a promise. */
function renderOnce<M>(view: EventView<M>, data: unknown, viewer: M): string {
  const serialized = serializeData(view.render(data, viewer));
  if (typeof serialized === 'string') return serialized;
  serialized.catch(() => undefined);
  throw new TypeError('view render returned a promise: views render synchronously (no async components)');
}
