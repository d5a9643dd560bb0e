/**
 * express-htmx-sse/metrics: a broadcaster's metrics for Prometheus, through `prom-client` (an
 * optional peer dependency: `npm install prom-client`). A separate entry point so that apps
 * without metrics never load it. Its report is `api/metrics.api.md` (see ARCHITECTURE.md, "Public API").
 */
export type { SseMetrics, SseMetricsOptions } from './lib/metrics/sseMetrics';
export { registerSseMetrics } from './lib/metrics/sseMetrics';
