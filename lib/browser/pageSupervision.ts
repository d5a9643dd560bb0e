/**
 * `<SseHead supervise>` in the browser: the page-wide monitor options, and a connection id for a
 * connect element that has none (a hand-written `sse-connect` or `hx-sse:connect` element).
 */
import { CONNECTION_ID_ATTRIBUTE, SUPERVISE_META } from '../protocol/monitorContract';
import { monitoredElement } from './monitorLookup';
import { type MonitorOptionsData, readMonitorOptions } from './readConfig';

/** Bounds the search for a free generated id (ids of removed elements are free again). */
const NAMING_ATTEMPTS = 1000;
let generated = 0;

/** The page-wide monitor options, or undefined when `<SseHead>` did not turn supervision on. */
export function pageSupervision(): MonitorOptionsData | undefined {
  const meta = document.querySelector(`meta[name="${SUPERVISE_META}"]`);
  return meta ? readMonitorOptions(meta.getAttribute('content')) : undefined;
}

/**
 * Gives an unnamed connect element its connection id (`data-sse-connection`), so that its state
 * events, `sseMonitor.stateOf` and the inspector name it: its own `id` when it has one (a copy
 * swapped in with the same id then resumes where it left off), else `sse-page-{n}`.
 * @returns the id given, or undefined when none is free (the element then stays unsupervised).
 */
export function nameConnection(element: Element): string | undefined {
  let name = element.id;
  for (let attempt = 0; attempt < NAMING_ATTEMPTS && (!name || monitoredElement(name)); attempt += 1) {
    generated += 1;
    name = `sse-page-${generated}`;
  }
  if (!name || monitoredElement(name)) return undefined;
  element.setAttribute(CONNECTION_ID_ATTRIBUTE, name);
  return name;
}
