import { CLOSE_EVENT, CONNECTION_EVENT, GAP_EVENT } from '../protocol/protocolEvents';
import { announceMessage, type ConnectionBinding, type ConnectionSignals } from './connectionBinding';
import { MonitoredStream } from './monitoredStream';
import type { FetchFunction } from './sharedStream/sharedFetch';
import { lostEnd, refusedEnd } from './streamEnd';

/** The part of htmx 4's global the runtime uses: `ajax` to reconnect, `swap` (given a request context, as `hx-sse` gives it) to resync. */
export interface Htmx4Global {
  ajax(verb: string, path: string, options: { source: Element; headers?: Record<string, string> }): Promise<unknown>;
  swap(ctx: { text: string; sourceElement: Element; target: Element; swap: string }): Promise<void>;
}

/** The request context htmx 4 hands to `htmx:before:request` listeners. */
interface RequestContext {
  fetch?: FetchFunction;
  request?: { headers?: Record<string, string> };
}

/** Wraps the fetch a request would use (the shared stream answers instead of the network). */
export type FetchWrapper = (fetchFunction: FetchFunction) => FetchFunction;

const CONNECT_ATTRIBUTES = ['hx-sse:connect', 'data-hx-sse:connect'];

/** The `hx-sse:connect` URL of an htmx 4 element, if it is one. */
export function htmx4ConnectUrl(element: Element): string | null {
  for (const name of CONNECT_ATTRIBUTES) {
    const url = element.getAttribute(name);
    if (url) return url;
  }
  return null;
}

function isEventStream(response: Response): boolean {
  return (
    response.ok && response.body !== null && (response.headers.get('content-type') ?? '').includes('text/event-stream')
  );
}

/** A stand-in answer for a failed connect: htmx 4 swaps nothing on a 204 and logs no error. */
function noContent(): Response {
  return new Response(null, { status: 204 });
}

/**
 * Binds a monitor to an htmx 4 (`hx-sse`) element. The monitor owns reconnection: the element's
 * `hx-config` is given `sse.reconnect:false, sse.pauseOnBackground:false` (and any reconnect the
 * extension still starts is cancelled), every connect request is fetched through a
 * {@link MonitoredStream}, and reconnects are new `htmx.ajax` requests carrying `Last-Event-ID`.
 */
export class Htmx4Binding implements ConnectionBinding {
  readonly #element: Element;
  readonly #signals: ConnectionSignals;
  #stream: MonitoredStream | undefined;
  /** Whether hx-sse holds a connection object for the element (between after:connection and close). */
  #active = false;
  /** A connect asked for while the old connection was still winding down. */
  #pendingCursor: string | undefined;
  readonly #wrapFetch: FetchWrapper | undefined;
  /**
   * hx-sse's connection object of the latest stream: its `lastEventId` also follows an `id:` with
   * no data (the cursor a stream opens with), which fires no message the monitor could see.
   */
  #connection: { lastEventId?: unknown } | undefined;

  /**
   * @param element - the `hx-sse:connect` element.
   * @param signals - the monitor.
   * @param wrapFetch - where the element's stream comes from instead of its own request (a shared stream).
   */
  constructor(element: Element, signals: ConnectionSignals, wrapFetch?: FetchWrapper) {
    this.#element = element;
    this.#signals = signals;
    this.#wrapFetch = wrapFetch;
    this.#takeOverReconnects();
    element.addEventListener('htmx:before:request', this.#onBeforeRequest);
    element.addEventListener('htmx:sse:before:connection', this.#onBeforeConnection);
    element.addEventListener('htmx:sse:after:connection', this.#onAfterConnection);
    element.addEventListener('htmx:sse:before:message', this.#onBeforeMessage);
    element.addEventListener('htmx:sse:close', this.#onClose);
  }

  connect(lastSeenId: string): void {
    const opened = this.#connection?.lastEventId;
    const lastEventId = lastSeenId || (typeof opened === 'string' ? opened : '');
    if (this.#active) {
      // hx-sse would overwrite its live connection object; wait for it to close first.
      this.#pendingCursor = lastEventId;
      this.disconnect();
      return;
    }
    const url = htmx4ConnectUrl(this.#element);
    const htmx = (window as { htmx?: Htmx4Global }).htmx;
    if (!url || !htmx) {
      this.#signals.dropped(lostEnd('htmx 4 is not loaded'));
      return;
    }
    htmx
      .ajax('GET', url, { source: this.#element, headers: lastEventId ? { 'Last-Event-ID': lastEventId } : undefined })
      .catch(() => undefined);
  }

  disconnect(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.end();
  }

  dispose(): void {
    this.#pendingCursor = undefined;
    this.disconnect();
    this.#element.removeEventListener('htmx:before:request', this.#onBeforeRequest);
    this.#element.removeEventListener('htmx:sse:before:connection', this.#onBeforeConnection);
    this.#element.removeEventListener('htmx:sse:after:connection', this.#onAfterConnection);
    this.#element.removeEventListener('htmx:sse:before:message', this.#onBeforeMessage);
    this.#element.removeEventListener('htmx:sse:close', this.#onClose);
  }

  /** Merges the monitor's terms into a JSON `hx-config`; any other form is left alone (the cancel below still applies). */
  #takeOverReconnects(): void {
    const raw = this.#element.getAttribute('hx-config');
    let config: Record<string, unknown> = {};
    if (raw) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed === null || typeof parsed !== 'object') return;
        config = parsed as Record<string, unknown>;
      } catch {
        return;
      }
    }
    const sse = typeof config.sse === 'object' && config.sse !== null ? config.sse : {};
    config.sse = { ...sse, reconnect: false, pauseOnBackground: false };
    this.#element.setAttribute('hx-config', JSON.stringify(config));
  }

  readonly #onBeforeRequest = (event: Event): void => {
    if (event.target !== this.#element) return;
    const ctx = (event as CustomEvent<{ ctx?: RequestContext }>).detail?.ctx;
    if (!ctx) return;
    const ownFetch: FetchFunction = ctx.fetch ?? window.fetch.bind(window);
    const fetchFunction = this.#wrapFetch ? this.#wrapFetch(ownFetch) : ownFetch;
    ctx.fetch = (input, init) => this.#monitoredFetch(fetchFunction, input, init);
    // htmx's own first request (also of an element swapped in again) would resume from nothing.
    const headers = ctx.request?.headers;
    const cursor = this.#signals.lastEventId;
    if (headers && cursor && !Object.keys(headers).some((name) => name.toLowerCase() === 'last-event-id'))
      headers['Last-Event-ID'] = cursor;
  };

  async #monitoredFetch(fetchFunction: FetchFunction, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetchFunction(input, init);
    } catch {
      this.#signals.dropped(lostEnd('unreachable'));
      return noContent();
    }
    if (!isEventStream(response)) {
      response.body?.cancel().catch(() => undefined);
      this.#signals.dropped(refusedEnd(response.status));
      return noContent();
    }
    const stream: MonitoredStream = new MonitoredStream(response.body as ReadableStream<Uint8Array>, (reason) => {
      if (this.#stream !== stream) return;
      this.#stream = undefined;
      this.#signals.dropped(lostEnd(reason));
    });
    this.disconnect();
    this.#stream = stream;
    return new Response(stream.readable, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  readonly #onBeforeConnection = (event: Event): void => {
    const connection = (event as CustomEvent<{ connection?: { attempt?: number } }>).detail?.connection;
    if ((connection?.attempt ?? 0) > 0) event.preventDefault();
  };

  readonly #onAfterConnection = (event: Event): void => {
    if (event.target !== this.#element) return;
    this.#connection = (event as CustomEvent<{ connection?: { lastEventId?: unknown } }>).detail?.connection;
    this.#active = true;
    this.#signals.opened();
  };

  readonly #onBeforeMessage = (event: Event): void => {
    const message = (event as CustomEvent<{ message?: { event?: string; data?: string; id?: string } }>).detail
      ?.message;
    if (!message) return;
    this.#signals.received(message.id ?? '');
    announceMessage(this.#element, message.event || 'message', message.data ?? '', message.id ?? '');
    if (message.event === CLOSE_EVENT || message.event === GAP_EVENT || message.event === CONNECTION_EVENT)
      this.#signals.protocolEvent(message.event, message.data ?? '');
  };

  readonly #onClose = (event: Event): void => {
    if (event.target !== this.#element) return;
    this.#active = false;
    const reason = (event as CustomEvent<{ reason?: string }>).detail?.reason;
    // The element is leaving the page (swapped out or removed): the runtime retires its monitor.
    if (reason === 'cleanup' || reason === 'removed') {
      this.#stream = undefined;
      return;
    }
    if (reason === 'message') {
      this.#stream = undefined;
      this.#signals.closedByApp();
      return;
    }
    const cursor = this.#pendingCursor;
    if (cursor !== undefined) {
      this.#pendingCursor = undefined;
      this.connect(cursor);
      return;
    }
    if (this.#stream) {
      // A connection that ended without its stream noticing (e.g. hx-sse's own cancel).
      this.#stream = undefined;
      this.#signals.dropped(lostEnd(`closed (${reason ?? 'unknown'})`));
    }
  };
}
