import { COUNT_DOM_EVENT, type MonitorCountDetail, PAGE_COUNT_ATTRIBUTE } from '../protocol/monitorContract';

/**
 * The page's count of open monitored connections: told by `sse-monitor:count` on `document` when
 * it changes, and shown as the text of every `<ConnectionCounter mode="page">`, those swapped in
 * later included. No polling: the runtime hands it each new count.
 */
export class PageConnectionCount {
  #count = 0;

  /** The last count handed in. */
  get value(): number {
    return this.#count;
  }

  /** Takes the current count: dispatches the event if it changed, and brings every counter element up to date. */
  update(count: number): void {
    if (count !== this.#count) {
      this.#count = count;
      const detail: MonitorCountDetail = { count };
      document.dispatchEvent(new CustomEvent(COUNT_DOM_EVENT, { detail }));
    }
    const text = String(this.#count);
    for (const counter of document.querySelectorAll(`[${PAGE_COUNT_ATTRIBUTE}]`))
      if (counter.textContent !== text) counter.textContent = text;
  }
}
