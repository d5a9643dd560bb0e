import type { DialectDescriptor, DialectHost, DialectRuntime, SwapReport } from '../dialects/dialectDescriptor';
import {
  CONNECTION_ID_ATTRIBUTE,
  type ConnectionState,
  GAP_DOM_EVENT,
  MONITOR_CONFIG_ATTRIBUTE,
  RESYNC_ATTRIBUTE,
  STATE_DOM_EVENT,
} from '../protocol/monitorContract';
import { tabExclusion } from '../protocol/tabExclusion';
import { installConnectionIdHeader } from './connectionIdHeader';
import { ConnectionSupervisor } from './connectionSupervisor';
import { ElementResync } from './elementResync';
import { monitorConfigFor, monitoredElement } from './monitorLookup';
import { PageConnectionCount } from './pageConnectionCount';
import { nameConnection, pageSupervision } from './pageSupervision';
import { readMonitorConfig } from './readConfig';
import type { HubKind } from './sharedStream/hubTransport';
import { type SharedStreamChoice, sharedStreamFor } from './sharedStream/sharedStreams';
import { streamAddressOf } from './sharedStream/streamAddress';

const RETIRED_CURSOR_LIMIT = 100;

interface Entry {
  supervisor: ConnectionSupervisor;
  /** On the browser's shared stream: its place there (requests name this tab, not the stream every tab shares). */
  shared?: SharedStreamChoice;
  /** The channels its URL names (none when it is not a URL of the middleware). */
  channels: readonly string[];
  /** What brings the element's content back after a gap, when it has a resync path. */
  resync?: ElementResync;
}

/** What the monitor knows of one connection it watches: a row of `<SseInspector>`. */
export interface ConnectionSnapshot {
  connectionId: string;
  /** The channels its stream URL names; empty when the URL is not one of the middleware's. */
  channels: string[];
  state: ConnectionState;
  /** Reconnect attempt of the current outage. */
  attempt: number;
  /** `own`: a stream of its own; else the browser's shared stream, whose hub runs in a SharedWorker or a leader tab. */
  stream: 'own' | HubKind;
  /** The id the server gave its current stream, once known (on a shared stream, the stream every tab shares). */
  streamId: string | undefined;
  /** The newest event id seen: where a reconnect resumes ('' for none yet). */
  lastEventId: string;
}

/** The resync of a newly supervised element, when it (or its monitor) names a resync path. */
function resyncOf(
  element: Element,
  supervisor: ConnectionSupervisor,
  runtime: DialectRuntime,
): ElementResync | undefined {
  const path = element.getAttribute(RESYNC_ATTRIBUTE) || supervisor.config.resync;
  if (!path) return undefined;
  return new ElementResync(element, supervisor.config.connectionId, path, (html) => runtime.swapContent(element, html));
}

/** What the page can call: `window.sseMonitor`. */
export interface MonitorApi {
  /** Current state of a monitored connection, if there is one. */
  stateOf(connectionId: string): ConnectionState | undefined;
  /**
   * Reconnects now, whatever the state: a "retry" button after the monitor gave up (`error`), or
   * the page signed in again after access ended (`unauthorized`). Returns false if unknown.
   */
  reconnect(connectionId: string): boolean;
  /** The id the server gave the connection's current stream (the server's `connection(id)`), once known. */
  streamIdOf(connectionId: string): string | undefined;
  /**
   * What htmx requests send as `SSE-Connection-Id`: the stream id of each monitored connection
   * of the page, and for one on the browser's shared stream `<stream id>/<tab id>`, this tab of
   * it (excluding the whole stream would leave out every tab of the browser).
   */
  streamIds(): string[];
  /** Every connection the monitor watches now, in the order it found them (what `<SseInspector>` shows). */
  connections(): ConnectionSnapshot[];
  /**
   * How many monitored connections of the page are open (`connected`) now; each change is also
   * told by `sse-monitor:count` on `document`, with `{ count }` as its detail.
   */
  count(): number;
  /**
   * Reports each message the page's dialects swap into the page, until the returned function is
   * called (`<SseInspector>`'s "swapped into").
   */
  watchSwaps(report: (swap: SwapReport) => void): () => void;
}

/**
 * One per page: finds every connection that has a monitor config (`data-sse-monitor` on its
 * status container) or a resync path, or every connect element when `<SseHead supervise>` asks, binds it through its dialect, resyncs it after a gap, and
 * follows the page: elements added or removed, visibility, back/forward cache, unload.
 */
export class MonitorRuntime implements MonitorApi, DialectHost {
  readonly #dialects: readonly DialectDescriptor[];
  readonly #uninstalls: (() => void)[] = [];
  readonly #entries = new Map<Element, Entry>();
  /** Cursors of monitors whose element left, by connection id: an element swapped in again resumes. */
  readonly #retiredCursors = new Map<string, string>();
  #observer: MutationObserver | undefined;
  #scanQueued = false;
  #removeHeader: (() => void) | undefined;
  readonly #pageCount = new PageConnectionCount();

  /** @param dialects - the dialects whose elements it binds, tried in order (the registry's). */
  constructor(dialects: readonly DialectDescriptor[]) {
    this.#dialects = dialects;
  }

  /** Installs the hooks and monitors what is already on the page. */
  start(): void {
    for (const dialect of this.#dialects) this.#uninstalls.push(dialect.runtime.install(this));
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    document.addEventListener(STATE_DOM_EVENT, this.#countOpen, true);
    // Capture: a page listener that stops the gap event does not stop the resync.
    document.addEventListener(GAP_DOM_EVENT, this.#onGap, true);
    window.addEventListener('pagehide', this.#onPageHide);
    window.addEventListener('pageshow', this.#onPageShow);
    this.#removeHeader = installConnectionIdHeader(() => this.streamIds());
    const begin = (): void => {
      this.#scan();
      this.#observer = new MutationObserver(this.#queueScan);
      this.#observer.observe(document.documentElement, { childList: true, subtree: true });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin, { once: true });
    else begin();
  }

  stateOf(connectionId: string): ConnectionState | undefined {
    return this.#find(connectionId)?.state;
  }

  reconnect(connectionId: string): boolean {
    const supervisor = this.#find(connectionId);
    supervisor?.reconnectNow();
    return supervisor !== undefined;
  }

  streamIdOf(connectionId: string): string | undefined {
    return this.#find(connectionId)?.streamId;
  }

  streamIds(): string[] {
    const ids: string[] = [];
    for (const { supervisor, shared } of this.#entries.values()) {
      const id = supervisor.streamId;
      if (!id) continue;
      const named = shared === undefined ? id : tabExclusion(id, shared.client.tabId);
      if (!ids.includes(named)) ids.push(named);
    }
    return ids;
  }

  connections(): ConnectionSnapshot[] {
    return [...this.#entries.values()].map(({ supervisor, shared, channels }) => ({
      connectionId: supervisor.config.connectionId,
      channels: [...channels],
      state: supervisor.state,
      attempt: supervisor.attempt,
      stream: shared?.client.hub ?? 'own',
      streamId: supervisor.streamId,
      lastEventId: supervisor.lastEventId,
    }));
  }

  count(): number {
    let open = 0;
    for (const { supervisor } of this.#entries.values()) if (supervisor.state === 'connected') open += 1;
    return open;
  }

  watchSwaps(report: (swap: SwapReport) => void): () => void {
    const stops = this.#dialects.map(({ runtime }) => runtime.watchSwaps?.(report));
    return () => {
      for (const stop of stops) stop?.();
    };
  }

  /** Stops everything: every connection, timer, listener and the observer. */
  destroy(): void {
    for (const entry of this.#entries.values()) {
      entry.supervisor.destroy();
      entry.resync?.dispose();
    }
    this.#entries.clear();
    this.#countOpen();
    this.#observer?.disconnect();
    this.#removeHeader?.();
    for (const uninstall of this.#uninstalls.splice(0)) uninstall();
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    document.removeEventListener(STATE_DOM_EVENT, this.#countOpen, true);
    document.removeEventListener(GAP_DOM_EVENT, this.#onGap, true);
    window.removeEventListener('pagehide', this.#onPageHide);
    window.removeEventListener('pageshow', this.#onPageShow);
  }

  #find(connectionId: string): ConnectionSupervisor | undefined {
    for (const { supervisor } of this.#entries.values())
      if (supervisor.config.connectionId === connectionId) return supervisor;
    return undefined;
  }

  supervise(element: Element): ConnectionSupervisor | undefined {
    return this.#entryFor(element)?.supervisor;
  }

  /** The entry of a connect element, created on first sight when its connection has a monitor config. */
  #entryFor(element: Element): Entry | undefined {
    const existing = this.#entries.get(element);
    if (existing) return existing;
    if (!element.isConnected) return undefined;
    const runtime = this.#dialects.find((dialect) => dialect.runtime.connectUrl(element) !== null)?.runtime;
    const url = runtime?.connectUrl(element);
    if (!runtime || !url) return undefined;
    const supervision = pageSupervision();
    const connectionId =
      element.getAttribute(CONNECTION_ID_ATTRIBUTE) || (supervision ? nameConnection(element) : undefined);
    if (!connectionId) return undefined;
    const config = monitorConfigFor(element, connectionId, supervision);
    if (!config) return undefined;
    const supervisor = new ConnectionSupervisor(element, config);
    supervisor.lastEventId = this.#cursorOf(connectionId);
    const shared = sharedStreamFor(element, url);
    const entry: Entry = {
      supervisor,
      shared,
      channels: shared?.target.channels ?? streamAddressOf(url)?.channels ?? [],
      resync: resyncOf(element, supervisor, runtime),
    };
    this.#entries.set(element, entry);
    supervisor.start(runtime.bind(element, supervisor, shared));
    return entry;
  }

  /** The cursor a new monitor of `connectionId` starts from: its predecessor's, still live or retired. */
  #cursorOf(connectionId: string): string {
    const live = this.#find(connectionId)?.lastEventId;
    const retired = this.#retiredCursors.get(connectionId);
    this.#retiredCursors.delete(connectionId);
    return live || retired || '';
  }

  readonly #queueScan = (): void => {
    if (this.#scanQueued) return;
    this.#scanQueued = true;
    queueMicrotask(() => {
      this.#scanQueued = false;
      this.#scan();
    });
  };

  /** Drops monitors whose element left the page, adds new ones, re-applies states to indicators. */
  #scan(): void {
    for (const [element, entry] of this.#entries) {
      if (element.isConnected) continue;
      const { connectionId } = entry.supervisor.config;
      // Replaced by a new copy (an htmx swap): that one takes over. Gone for good: show `closed`.
      if (monitoredElement(connectionId)) entry.supervisor.destroy();
      else entry.supervisor.retire();
      entry.resync?.dispose();
      this.#entries.delete(element);
      if (entry.supervisor.lastEventId && !this.#find(connectionId))
        this.#retire(connectionId, entry.supervisor.lastEventId);
    }
    for (const container of document.querySelectorAll(`[${MONITOR_CONFIG_ATTRIBUTE}]`)) {
      const config = readMonitorConfig(container.getAttribute(MONITOR_CONFIG_ATTRIBUTE));
      const element = config && monitoredElement(config.connectionId);
      if (element) this.#entryFor(element)?.supervisor.refreshIndicator();
    }
    this.#countOpen();
  }

  /** Hands the page's count its current value (after a state change, an element gone, a counter swapped in). */
  readonly #countOpen = (): void => this.#pageCount.update(this.count());

  #retire(connectionId: string, cursor: string): void {
    this.#retiredCursors.delete(connectionId);
    this.#retiredCursors.set(connectionId, cursor);
    // Bounded: only recently removed connections are worth resuming.
    if (this.#retiredCursors.size > RETIRED_CURSOR_LIMIT)
      this.#retiredCursors.delete(this.#retiredCursors.keys().next().value as string);
  }

  readonly #onGap = (event: Event): void => {
    if (event.target instanceof Element) this.#entries.get(event.target)?.resync?.gap();
  };

  readonly #onVisibilityChange = (): void => {
    const hidden = document.visibilityState === 'hidden';
    for (const { supervisor } of this.#entries.values()) supervisor.visibilityChanged(hidden);
  };

  readonly #onPageHide = (event: PageTransitionEvent): void => {
    // Kept in the back/forward cache: pause, and resume on pageshow. Otherwise: release everything.
    if (event.persisted) for (const { supervisor } of this.#entries.values()) supervisor.pause();
    else this.destroy();
  };

  readonly #onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) for (const { supervisor } of this.#entries.values()) supervisor.resume();
  };
}
