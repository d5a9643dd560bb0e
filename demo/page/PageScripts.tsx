import { SseHead } from '../../index';
import type { Dialect } from '../dashboardFeed';

/** htmx, its SSE extension, the monitor runtime and the indicator styles for the chosen dialect, with the page's CSP nonce. */
export function PageScripts({ dialect, nonce }: { dialect: Dialect; nonce?: string }): JSX.Element {
  return <SseHead dialect={dialect} nonce={nonce} />;
}
