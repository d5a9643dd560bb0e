import type { SwapReport } from '../../dialects/dialectDescriptor';
import { MESSAGE_DOM_EVENT, type MonitorMessageDetail } from '../../protocol/inspectorContract';
import { CONNECTION_ID_ATTRIBUTE, type MonitorStateDetail, STATE_DOM_EVENT } from '../../protocol/monitorContract';
import type { MonitorApi } from '../monitorRuntime';
import { InspectorLog, type LogEntry } from './inspectorLog';
import type { InspectorPanel } from './inspectorPanel';

/** How an element reads in the panel: `#id`, or `<tag>` for one without an id. */
function label(element: Element): string {
  return element.id ? `#${element.id}` : `<${element.localName}>`;
}

/**
 * Feeds the panel from the page's monitor: its state and message DOM events (listened to on the
 * document, in the capture phase, so a page handler that stops them does not hide them), its
 * snapshot of the connections after each of them, and the dialects' swap reports.
 */
export class PageInspector {
  readonly #monitor: MonitorApi;
  readonly #panel: InspectorPanel;
  readonly #log = new InspectorLog();
  #stopSwaps: (() => void) | undefined;
  #refreshQueued = false;

  /**
   * @param monitor - the page's `window.sseMonitor`.
   * @param panel - where it shows what it sees.
   */
  constructor(monitor: MonitorApi, panel: InspectorPanel) {
    this.#monitor = monitor;
    this.#panel = panel;
  }

  /** Starts listening and shows the connections already watched. */
  start(): void {
    document.addEventListener(STATE_DOM_EVENT, this.#onState, true);
    document.addEventListener(MESSAGE_DOM_EVENT, this.#onMessage, true);
    this.#stopSwaps = this.#monitor.watchSwaps(this.#onSwap);
    this.#refresh();
  }

  /** Stops listening; the panel keeps what it shows. */
  stop(): void {
    document.removeEventListener(STATE_DOM_EVENT, this.#onState, true);
    document.removeEventListener(MESSAGE_DOM_EVENT, this.#onMessage, true);
    this.#stopSwaps?.();
  }

  readonly #onState = (event: Event): void => {
    this.#show(this.#log.state((event as CustomEvent<MonitorStateDetail>).detail, Date.now()));
  };

  readonly #onMessage = (event: Event): void => {
    this.#show(this.#log.message((event as CustomEvent<MonitorMessageDetail>).detail, Date.now()));
  };

  readonly #onSwap = ({ element, event, id, targets }: SwapReport): void => {
    const connectionId = element.getAttribute(CONNECTION_ID_ATTRIBUTE);
    const entry = connectionId === null ? undefined : this.#log.swapped(connectionId, event, id, targets.map(label));
    if (entry) this.#panel.update(entry);
  };

  #show({ added, dropped }: { added?: LogEntry; dropped?: LogEntry }): void {
    if (added) this.#panel.add(added, dropped);
    this.#queueRefresh();
  }

  /** The connections table follows every event, once per burst of them. */
  #queueRefresh(): void {
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    queueMicrotask(() => {
      this.#refreshQueued = false;
      this.#refresh();
    });
  }

  #refresh(): void {
    this.#panel.showConnections(this.#monitor.connections());
  }
}
