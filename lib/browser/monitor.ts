/**
 * Entry of the browser monitor runtime (built to `dist/browser/monitor.js`, served as
 * `{prefix}/_assets/monitor.js`). Load it once per page after htmx and its SSE extension; a
 * second copy on the same page does nothing. The page API is `window.sseMonitor`; it also keeps the
 * page's presence elements live (`presenceElements.ts`).
 */
import { dialects } from '../dialects/dialectRegistry';
import { type MonitorApi, MonitorRuntime } from './monitorRuntime';
import { installPresenceElements } from './presenceElements';

const page = window as { sseMonitor?: MonitorApi };
if (!page.sseMonitor) {
  const runtime = new MonitorRuntime(dialects());
  page.sseMonitor = runtime;
  runtime.start();
  installPresenceElements();
}
