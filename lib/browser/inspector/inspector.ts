/**
 * Entry of the inspector (built to `dist/browser/sse-inspector.js`, served as
 * `{prefix}/_assets/sse-inspector.js`, loaded by `<SseInspector>` after `monitor.js`): fills the
 * first panel on the page from the page's monitor runtime (`window.sseMonitor`). A second copy
 * on the same page does nothing.
 */
import { INSPECTOR_ATTRIBUTE } from '../../protocol/inspectorContract';
import type { MonitorApi } from '../monitorRuntime';
import { InspectorPanel } from './inspectorPanel';
import { PageInspector } from './pageInspector';

const page = window as { sseMonitor?: MonitorApi; sseInspector?: PageInspector };
const root = document.querySelector(`[${INSPECTOR_ATTRIBUTE}]`);
if (root && !page.sseInspector) {
  const panel = new InspectorPanel(root);
  if (page.sseMonitor) {
    page.sseInspector = new PageInspector(page.sseMonitor, panel);
    page.sseInspector.start();
  } else panel.unavailable('no monitor on this page (load monitor.js with <SseHead>)');
}
