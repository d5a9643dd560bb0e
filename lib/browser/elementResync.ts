import { type MonitorResyncDetail, RESYNC_DOM_EVENT } from '../protocol/monitorContract';
import type { Clock } from '../time/clock';
import { ResyncSchedule } from './resyncSchedule';

/** Swaps a resync's answer into the element, the way its dialect swaps a response. */
export type ContentSwap = (html: string) => Promise<void>;

/**
 * `path` resolved against `base`, when it stays on `origin` (an http(s) one); undefined otherwise.
 * The components accept only such paths, but the page's markup is data: a `<base>` of another
 * origin, or a config written by other means, must not send the page's cookies elsewhere.
 */
export function sameOriginUrl(path: string, base: string, origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(path, base);
  } catch {
    return undefined;
  }
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && url.origin === origin ? url.href : undefined;
}

/**
 * An element's resync: after a gap in its stream, it fetches the element's resync path (a GET of
 * the page's own origin, with htmx's request headers) and hands a 2xx answer other than 204 to the
 * dialect's swap (content, out-of-band parts, processing), once per burst of gaps
 * ({@link ResyncSchedule}). Each request ends with `sse-monitor:resync` on the element.
 */
export class ElementResync {
  readonly #element: Element;
  readonly #connectionId: string;
  readonly #path: string;
  readonly #swap: ContentSwap;
  readonly #schedule: ResyncSchedule;
  #inFlight: AbortController | undefined;

  /**
   * @param element - the connect element.
   * @param connectionId - its connection id.
   * @param path - what the page rendered as its resync path (checked again here).
   * @param swap - its dialect's swap.
   * @param clock - where the settle timer is set (default: the page's timers).
   */
  constructor(element: Element, connectionId: string, path: string, swap: ContentSwap, clock?: Clock) {
    this.#element = element;
    this.#connectionId = connectionId;
    this.#path = path;
    this.#swap = swap;
    this.#schedule = new ResyncSchedule(() => this.#run(), clock);
  }

  /** The element's stream reported a gap. */
  gap(): void {
    this.#schedule.request();
  }

  /** The element left (or the page did): nothing more is fetched or swapped. */
  dispose(): void {
    this.#schedule.cancel();
    this.#inFlight?.abort();
  }

  async #run(): Promise<void> {
    if (!this.#element.isConnected) return;
    const url = sameOriginUrl(this.#path, document.baseURI, location.origin);
    if (url === undefined) {
      console.error(
        `[sse-monitor] ${this.#connectionId}: not fetching resync ${JSON.stringify(this.#path)}: not of this origin`,
      );
      this.#report(this.#path, 0);
      return;
    }
    const abort = new AbortController();
    this.#inFlight = abort;
    let status = 0;
    try {
      const response = await fetch(url, {
        headers: this.#headers(),
        mode: 'same-origin',
        credentials: 'same-origin',
        cache: 'no-store',
        signal: abort.signal,
      });
      status = response.status;
      if (response.ok && status !== 204) {
        const html = await response.text();
        if (!abort.signal.aborted) await this.#swap(html);
      } else if (!response.ok) {
        console.warn(`[sse-monitor] ${this.#connectionId}: resync ${url} answered ${status}`);
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      status = 0;
      console.warn(`[sse-monitor] ${this.#connectionId}: resync ${url} failed: ${String(error)}`);
    } finally {
      if (this.#inFlight === abort) this.#inFlight = undefined;
    }
    if (!abort.signal.aborted) this.#report(url, status);
  }

  /** What htmx sends with its own requests, so a route can answer the resync as it answers htmx. */
  #headers(): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'text/html',
      'HX-Request': 'true',
      'HX-Current-URL': location.href,
    };
    if (this.#element.id) headers['HX-Target'] = this.#element.id;
    return headers;
  }

  #report(url: string, status: number): void {
    const detail: MonitorResyncDetail = { connectionId: this.#connectionId, url, status };
    this.#element.dispatchEvent(new CustomEvent(RESYNC_DOM_EVENT, { bubbles: true, detail }));
  }
}
