import { CLOSE_EVENT, CONNECTION_EVENT, GAP_EVENT, HEARTBEAT_EVENT, PRESENCE_EVENT } from '../protocol/protocolEvents';
import { READY_STATE } from './readyState';
import { probeRefusal } from './refusalProbe';
import { lostEnd, type StreamEnd } from './streamEnd';

/** Who drives a {@link ManagedEventSource} (a monitor's htmx 2 binding). */
export interface SourceController {
  opened(): void;
  /** A relayed event of `type`, with the stream cursor the browser reported for it. */
  received(type: string, data: string, lastEventId: string): void;
  /** The stream failed: lost, or refused (with its status when known). */
  failed(end: StreamEnd): void;
  /** The htmx extension closed the source (its `sse-close` event, or cleanup). */
  closedByOwner(): void;
}

type SourceHandler = ((this: ManagedEventSource, event: Event) => unknown) | null;

/** The part of an `EventSource` a {@link ManagedEventSource} drives (a real one, or a shared stream's). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => unknown) | null;
  onerror: ((event: Event) => unknown) | null;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
  /** Why it ended, when the source can tell (a shared stream's can; an `EventSource` cannot). */
  readonly end?: StreamEnd;
}

/** Opens the EventSource behind a {@link ManagedEventSource}. */
export type EventSourceOpener = (url: string) => EventSourceLike;

const { CONNECTING, OPEN, CLOSED } = READY_STATE;

/** Events the controller must see even when no page code listens to them (presence: for the page's presence elements). */
const PROTOCOL_EVENTS = [CLOSE_EVENT, GAP_EVENT, HEARTBEAT_EVENT, CONNECTION_EVENT, PRESENCE_EVENT];

/**
 * What `htmx-ext-sse` gets from `htmx.createEventSource` for a monitored element: one object for
 * the element's whole life, behind which the monitor swaps real `EventSource`s on reconnect.
 * The extension's listeners stay registered here and are re-attached to each new EventSource, so
 * nothing is rebound and no old EventSource is left open. Failures go to the controller instead
 * of `onerror`, so the extension never starts its own (unbounded, jitter-free) retry loop; a
 * refusal goes with its status (the shared stream's source tells it, an EventSource's is probed).
 * Without a controller it behaves like a plain EventSource.
 */
export class ManagedEventSource {
  /** Same values as `EventSource`, which the extension compares against. */
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSED = CLOSED;
  /** The URL the extension asked for (without any resume cursor). */
  readonly url: string;
  /** Sent with every connection, like the extension's own default. */
  readonly withCredentials = true;
  /** Seen by the extension: CONNECTING while the monitor reconnects, CLOSED only when closed. */
  readyState: number = CONNECTING;
  /** Set by the extension: fires `htmx:sseOpen`. */
  onopen: SourceHandler = null;
  /** Set by the extension: fires `htmx:sseError` (used only without a controller). */
  onerror: SourceHandler = null;
  readonly #listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  #native: EventSourceLike | undefined;
  #controller: SourceController | undefined;
  /** How many streams were opened: a refusal's probe that answers after a newer one is moot. */
  #opens = 0;
  #opener: EventSourceOpener = (url) => new EventSource(url, { withCredentials: this.withCredentials });

  /** @param url - the `sse-connect` URL. */
  constructor(url: string) {
    this.url = url;
  }

  /** Puts a controller in charge (or removes it). */
  control(controller: SourceController | undefined): void {
    this.#controller = controller;
  }

  /** Opens every later stream through `opener` (the shared stream's) instead of a new EventSource. */
  openThrough(opener: EventSourceOpener): void {
    this.#opener = opener;
  }

  /** Registers a listener, as on an EventSource; it survives reconnects. */
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (!listener) return;
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
      if (!PROTOCOL_EVENTS.includes(type)) this.#native?.addEventListener(type, this.#relay);
    }
    set.add(listener);
  }

  /** Removes a listener. */
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (listener) this.#listeners.get(type)?.delete(listener);
  }

  /** Opens a fresh EventSource on `url` (the controller adds the resume cursor), closing any previous one. */
  open(url: string = this.url): void {
    this.#native?.close();
    const native = this.#opener(url);
    this.#native = native;
    this.#opens += 1;
    this.readyState = CONNECTING;
    for (const type of new Set([...this.#listeners.keys(), ...PROTOCOL_EVENTS]))
      native.addEventListener(type, this.#relay);
    native.onopen = (event) => {
      if (native !== this.#native) return;
      this.readyState = OPEN;
      this.#controller?.opened();
      this.onopen?.call(this, event);
    };
    native.onerror = (event) => {
      if (native !== this.#native) return;
      if (this.#controller) {
        const refused = native.readyState === CLOSED;
        // Closing at once stops the browser's own retry: the controller decides when to retry.
        this.drop();
        this.#report(native.end ?? (refused ? undefined : lostEnd('lost')), url);
        return;
      }
      this.readyState = native.readyState;
      this.onerror?.call(this, event);
    };
  }

  /** Closes the current EventSource but stays CONNECTING: the controller reconnects later. */
  drop(): void {
    this.#native?.close();
    this.#native = undefined;
    if (this.readyState !== CLOSED) this.readyState = CONNECTING;
  }

  /** Closes for good; called by the extension (close event, cleanup) or by the controller. */
  close(): void {
    this.drop();
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.#controller?.closedByOwner();
  }

  /** Tells the controller why the stream on `url` failed: `end`, or for a refusal the status a probe learns. */
  #report(end: StreamEnd | undefined, url: string): void {
    const controller = this.#controller;
    if (!controller) return;
    if (end) {
      controller.failed(end);
      return;
    }
    const opens = this.#opens;
    void probeRefusal(url, this.withCredentials).then((probed) => {
      if (this.#opens === opens && this.#controller === controller && this.readyState !== CLOSED)
        controller.failed(probed);
    });
  }

  readonly #relay = (event: Event): void => {
    const message = event as MessageEvent<string>;
    this.#controller?.received(message.type, message.data, message.lastEventId);
    for (const listener of [...(this.#listeners.get(message.type) ?? [])]) {
      if (typeof listener === 'function') listener.call(this, message);
      else listener.handleEvent(message);
    }
  };
}
