import { CONNECTION_ID_ATTRIBUTE, type ConnectionState, MONITOR_CONFIG_ATTRIBUTE } from '../protocol/monitorContract';
import { tabExclusion } from '../protocol/tabExclusion';
import { installConnectionIdHeader } from './connectionIdHeader';
import { ConnectionSupervisor } from './connectionSupervisor';
import { Htmx2Binding } from './htmx2Binding';
import { Htmx4Binding, htmx4ConnectUrl } from './htmx4Binding';
import { type EventSourceOpener, ManagedEventSource } from './managedEventSource';
import { findMonitorConfig, monitoredElement } from './monitorLookup';
import { readMonitorConfig } from './readConfig';
import { sharedEventSourceOpener, sharedFetchOf, sharedStreamFor } from './sharedStream/sharedStreams';

/** The part of htmx 2's global the runtime uses. */
interface Htmx2Global {
  version?: string;
  createEventSource?: (url: string) => unknown;
}

/** What `htmx-ext-sse` keeps on an element (htmx 2's internal data property). */
type WithHtmx2Data = Element & { 'htmx-internal-data'?: { sseEventSource?: unknown } };

const RETIRED_CURSOR_LIMIT = 100;

interface Entry {
  monitor: ConnectionSupervisor;
  /** On the browser's shared stream: this tab's id there (requests name the tab, not the stream every tab shares). */
  tab?: string;
  htmx2?: Htmx2Binding;
  /** For an htmx 2 element on the shared stream: opens its EventSources there. */
  openThrough?: EventSourceOpener;
}

/** What the page can call: `window.sseMonitor`. */
export interface MonitorApi {
  /** Current state of a monitored connection, if there is one. */
  stateOf(connectionId: string): ConnectionState | undefined;
  /** Reconnects now (e.g. from a "retry" button after the monitor gave up). Returns false if unknown. */
  reconnect(connectionId: string): boolean;
  /** The id the server gave the connection's current stream (the server's `connection(id)`), once known. */
  streamIdOf(connectionId: string): string | undefined;
  /**
   * What htmx requests send as `SSE-Connection-Id`: the stream id of each monitored connection
   * of the page, and for one on the browser's shared stream `<stream id>/<tab id>`, this tab of
   * it (excluding the whole stream would leave out every tab of the browser).
   */
  streamIds(): string[];
}

/**
 * One per page: finds every connection that has a monitor config (`data-sse-monitor` on its
 * status container), binds it to its dialect, and follows the page: elements added or removed,
 * visibility, back/forward cache, unload.
 */
export class MonitorRuntime implements MonitorApi {
  readonly #entries = new Map<Element, Entry>();
  /** Cursors of monitors whose element left, by connection id: an element swapped in again resumes. */
  readonly #retiredCursors = new Map<string, string>();
  #observer: MutationObserver | undefined;
  #scanQueued = false;
  #removeHeader: (() => void) | undefined;

  /** Installs the hooks and monitors what is already on the page. */
  start(): void {
    this.#installHtmx2Factory();
    // Capture phase: the monitor must exist before htmx 4 fetches the stream.
    document.addEventListener('htmx:before:request', this.#onBeforeRequest, true);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    window.addEventListener('pagehide', this.#onPageHide);
    window.addEventListener('pageshow', this.#onPageShow);
    this.#removeHeader = installConnectionIdHeader(() => this.streamIds());
    const begin = (): void => {
      this.#installHtmx2Factory();
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
    const monitor = this.#find(connectionId);
    monitor?.reconnectNow();
    return monitor !== undefined;
  }

  streamIdOf(connectionId: string): string | undefined {
    return this.#find(connectionId)?.streamId;
  }

  streamIds(): string[] {
    const ids: string[] = [];
    for (const { monitor, tab } of this.#entries.values()) {
      const id = monitor.streamId;
      if (!id) continue;
      const named = tab === undefined ? id : tabExclusion(id, tab);
      if (!ids.includes(named)) ids.push(named);
    }
    return ids;
  }

  /** Stops everything: every connection, timer, listener and the observer. */
  destroy(): void {
    for (const entry of this.#entries.values()) entry.monitor.destroy();
    this.#entries.clear();
    this.#observer?.disconnect();
    this.#removeHeader?.();
    document.removeEventListener('htmx:before:request', this.#onBeforeRequest, true);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    window.removeEventListener('pagehide', this.#onPageHide);
    window.removeEventListener('pageshow', this.#onPageShow);
  }

  #find(connectionId: string): ConnectionSupervisor | undefined {
    for (const { monitor } of this.#entries.values()) if (monitor.config.connectionId === connectionId) return monitor;
    return undefined;
  }

  /** The entry of a connect element, created on first sight when its connection has a monitor config. */
  #entryFor(element: Element): Entry | undefined {
    const existing = this.#entries.get(element);
    if (existing) return existing;
    const connectionId = element.getAttribute(CONNECTION_ID_ATTRIBUTE);
    if (!connectionId || !element.isConnected) return undefined;
    const config = findMonitorConfig(connectionId);
    if (!config) return undefined;
    const monitor = new ConnectionSupervisor(element, config);
    monitor.lastEventId = this.#cursorOf(connectionId);
    const htmx4Url = htmx4ConnectUrl(element);
    const shared = sharedStreamFor(element, htmx4Url ?? element.getAttribute('sse-connect') ?? '');
    const entry: Entry = { monitor, tab: shared?.client.tabId };
    if (htmx4Url) {
      monitor.start(new Htmx4Binding(element, monitor, shared && sharedFetchOf(shared, config.heartbeatTimeoutMs)));
    } else {
      if (shared) entry.openThrough = sharedEventSourceOpener(shared, config.heartbeatTimeoutMs);
      entry.htmx2 = new Htmx2Binding(element, monitor);
      monitor.start(entry.htmx2);
    }
    this.#entries.set(element, entry);
    return entry;
  }

  /** The cursor a new monitor of `connectionId` starts from: its predecessor's, still live or retired. */
  #cursorOf(connectionId: string): string {
    const live = this.#find(connectionId)?.lastEventId;
    const retired = this.#retiredCursors.get(connectionId);
    this.#retiredCursors.delete(connectionId);
    return live || retired || '';
  }

  /**
   * htmx 2's extension creates every EventSource through `htmx.createEventSource(url)`. Each gets a
   * {@link ManagedEventSource}; once the extension has stored it on its element (synchronously,
   * so a microtask later), a monitored element's binding adopts it and the rest run unmanaged.
   */
  #installHtmx2Factory(): void {
    const htmx = (window as { htmx?: Htmx2Global }).htmx;
    if (!htmx?.version?.startsWith('2.') || htmx.createEventSource === this.#createEventSource) return;
    htmx.createEventSource = this.#createEventSource;
  }

  readonly #createEventSource = (url: string): ManagedEventSource => {
    const source = new ManagedEventSource(url);
    queueMicrotask(() => {
      const element = [...document.querySelectorAll('[sse-connect],[data-sse-connect]')].find(
        (candidate) => (candidate as WithHtmx2Data)['htmx-internal-data']?.sseEventSource === source,
      );
      const entry = element && this.#entryFor(element);
      if (entry?.openThrough) source.openThrough(entry.openThrough);
      if (entry?.htmx2) entry.htmx2.adopt(source, entry.monitor.lastEventId);
      else source.open();
    });
    return source;
  };

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
      const { connectionId } = entry.monitor.config;
      // Replaced by a new copy (an htmx swap): that one takes over. Gone for good: show `closed`.
      if (monitoredElement(connectionId)) entry.monitor.destroy();
      else entry.monitor.retire();
      this.#entries.delete(element);
      if (entry.monitor.lastEventId && !this.#find(connectionId)) this.#retire(connectionId, entry.monitor.lastEventId);
    }
    for (const container of document.querySelectorAll(`[${MONITOR_CONFIG_ATTRIBUTE}]`)) {
      const config = readMonitorConfig(container.getAttribute(MONITOR_CONFIG_ATTRIBUTE));
      const element = config && monitoredElement(config.connectionId);
      if (element) this.#entryFor(element)?.monitor.refreshIndicator();
    }
  }

  #retire(connectionId: string, cursor: string): void {
    this.#retiredCursors.delete(connectionId);
    this.#retiredCursors.set(connectionId, cursor);
    // Bounded: only recently removed connections are worth resuming.
    if (this.#retiredCursors.size > RETIRED_CURSOR_LIMIT)
      this.#retiredCursors.delete(this.#retiredCursors.keys().next().value as string);
  }

  readonly #onBeforeRequest = (event: Event): void => {
    if (event.target instanceof Element && htmx4ConnectUrl(event.target)) this.#entryFor(event.target);
  };

  readonly #onVisibilityChange = (): void => {
    const hidden = document.visibilityState === 'hidden';
    for (const { monitor } of this.#entries.values()) monitor.visibilityChanged(hidden);
  };

  readonly #onPageHide = (event: PageTransitionEvent): void => {
    // Kept in the back/forward cache: pause, and resume on pageshow. Otherwise: release everything.
    if (event.persisted) for (const { monitor } of this.#entries.values()) monitor.pause();
    else this.destroy();
  };

  readonly #onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) for (const { monitor } of this.#entries.values()) monitor.reconnectNow();
  };
}
