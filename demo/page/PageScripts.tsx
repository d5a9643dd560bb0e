import { SseHead } from '../../index';
import type { Dialect } from '../dashboardFeed';

/** htmx, its SSE extension, the monitor runtime and the indicator styles for the chosen dialect. */
export function PageScripts({ dialect }: { dialect: Dialect }): JSX.Element {
  return <SseHead dialect={dialect} />;
}
