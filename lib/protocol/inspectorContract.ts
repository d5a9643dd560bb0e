/**
 * What `<SseInspector>`, the monitor runtime and the inspector's browser script agree on: the
 * panel's attribute, the inspector's files under `{prefix}/_assets/`, and the DOM event the
 * runtime dispatches for every message an element receives (what the inspector lists). Imported
 * by both sides, so, like `monitorContract.ts`, it stays free of Node and DOM types.
 */

/** Marks the panel `<SseInspector>` renders; the inspector's script fills the first one on the page. */
export const INSPECTOR_ATTRIBUTE = 'data-sse-inspector';

/** File names of the inspector's script and stylesheet under `{prefix}/_assets/`. */
export const INSPECTOR_ASSET_FILES = Object.freeze({
  script: 'sse-inspector.js',
  styles: 'sse-inspector.css',
});

/**
 * DOM event dispatched on the connect element for every message its dialect hands the monitor
 * (the library's own events, such as `sse:gap`, `sse:close` and `sse:heartbeat`, included), before
 * htmx swaps it. Bubbles.
 */
export const MESSAGE_DOM_EVENT = 'sse-monitor:message';

/** `detail` of {@link MESSAGE_DOM_EVENT}. */
export interface MonitorMessageDetail {
  connectionId: string;
  /** The event name; `message` for an unnamed event. */
  event: string;
  /** The event's data, as received. */
  data: string;
  /**
   * The stream's last event id when it came, as the browser reports it: the event's own id
   * (`<channel>/<position>` for a published event), or the one before for an event without one.
   */
  id: string;
}
