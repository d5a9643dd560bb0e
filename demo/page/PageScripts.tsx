import type { Dialect } from '../dashboardFeed';

/** Script tags for htmx and its SSE extension in the chosen dialect. */
export function PageScripts({ dialect }: { dialect: Dialect }): JSX.Element {
  return dialect === 'htmx2' ? (
    <>
      <script src="/_demo-assets/htmx2.js" />
      <script src="/_demo-assets/sse2.js" />
    </>
  ) : (
    <>
      <script src="/_demo-assets/htmx4.js" />
      <script src="/_demo-assets/sse4.js" />
    </>
  );
}
