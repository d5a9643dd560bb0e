import { CLOSE_EVENT, CONNECTION_EVENT, GAP_EVENT } from '../protocol/protocolEvents';
import { announceMessage, type ConnectionBinding, type ConnectionSignals } from './connectionBinding';
import type { ManagedEventSource, SourceController } from './managedEventSource';
import type { StreamEnd } from './streamEnd';

/**
 * The URL with the resume cursor as `lastEventId` query parameter: a new EventSource sends no
 * `Last-Event-ID` header, and the middleware reads the cursor from the query instead.
 */
function withResumeCursor(url: string, lastEventId: string): string {
  if (!lastEventId) return url;
  const resolved = new URL(url, document.baseURI);
  resolved.searchParams.set('lastEventId', lastEventId);
  return resolved.origin === location.origin ? resolved.pathname + resolved.search + resolved.hash : resolved.href;
}

/** Binds a monitor to an htmx 2 (`htmx-ext-sse`) element through its {@link ManagedEventSource}. */
export class Htmx2Binding implements ConnectionBinding, SourceController {
  readonly #element: Element;
  readonly #signals: ConnectionSignals;
  #source: ManagedEventSource | undefined;

  /**
   * @param element - the `sse-connect` element.
   * @param signals - the monitor.
   */
  constructor(element: Element, signals: ConnectionSignals) {
    this.#element = element;
    this.#signals = signals;
  }

  /** Takes charge of the source the extension created for the element, and opens it. */
  adopt(source: ManagedEventSource, lastEventId: string): void {
    if (this.#source && this.#source !== source) {
      this.#source.control(undefined);
      this.#source.close();
    }
    this.#source = source;
    source.control(this);
    source.open(withResumeCursor(source.url, lastEventId));
  }

  connect(lastEventId: string): void {
    this.#source?.open(withResumeCursor(this.#source.url, lastEventId));
  }

  disconnect(): void {
    this.#source?.drop();
  }

  dispose(): void {
    this.#source?.control(undefined);
    this.#source?.close();
    this.#source = undefined;
  }

  opened(): void {
    this.#signals.opened();
  }

  received(type: string, data: string, lastEventId: string): void {
    this.#signals.received(lastEventId);
    announceMessage(this.#element, type, data, lastEventId);
    if (type === CLOSE_EVENT || type === GAP_EVENT || type === CONNECTION_EVENT)
      this.#signals.protocolEvent(type, data);
  }

  failed(end: StreamEnd): void {
    this.#signals.dropped(end);
  }

  closedByOwner(): void {
    // The extension closes the source for the app's close event and when htmx swaps the element
    // out; only the first leaves the element on the page once the swap is done.
    queueMicrotask(() => {
      if (this.#element.isConnected) this.#signals.closedByApp();
    });
  }
}
