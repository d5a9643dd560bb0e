import { INSPECTOR_ASSET_FILES, INSPECTOR_ATTRIBUTE } from '../lib/protocol/inspectorContract';
import { assetPath, DEFAULT_PREFIX, PREFIX_EXPECTED, STREAM_PREFIX } from '../lib/protocol/streamPaths';
import { OptionReader } from '../lib/validation/optionReader';
import { assertNonce } from './SseHead';

/** Props of {@link SseInspector}. */
export interface SseInspectorProps {
  /** Mount path of `sseMiddleware`, whose `_assets` route serves the inspector's script and stylesheet. Default `/sse`. */
  prefix?: string;
  /** CSP nonce put on its `<script>` and `<link>` (the one `<SseHead nonce>` gets). */
  nonce?: string;
  /** Start expanded. Default false: a one-line summary in the corner of the page, expanded on click. */
  open?: boolean;
  /** Render even when `NODE_ENV` is `production`. Default false: there it renders nothing. */
  force?: boolean;
}

/**
 * A development panel that shows what the page's monitor sees: each monitored connection (its
 * channels, state, whether its stream is its own or the browser's shared one, in a SharedWorker
 * or a leader tab, its stream id and last event id) and the last 50 events, gaps, closes and lost
 * connections, each with its channel, id, size, time and the elements it was swapped into.
 *
 * Renders a `<details>` panel, its stylesheet and a deferred script, both from
 * `{prefix}/_assets/` (no inline script or style, so it runs under a nonce-based CSP), after
 * `<SseHead>`'s `monitor.js`. Nothing from a stream is ever parsed as HTML. Renders nothing when
 * `process.env.NODE_ENV` is `production`, unless `force` is set.
 * @throws TypeError naming an invalid prop.
 */
export function SseInspector(props: SseInspectorProps = {}): JSX.Element {
  const read = new OptionReader<SseInspectorProps>('SseInspector', props);
  const prefix = read.string('prefix', DEFAULT_PREFIX, STREAM_PREFIX, PREFIX_EXPECTED);
  const open = read.boolean('open', false);
  const force = read.boolean('force', false);
  const { nonce } = props;
  assertNonce(nonce);
  if (process.env.NODE_ENV === 'production' && !force) return '';
  return (
    <>
      <link rel="stylesheet" href={assetPath(prefix, INSPECTOR_ASSET_FILES.styles)} nonce={nonce} />
      <details class="sse-inspector" open={open} {...{ [INSPECTOR_ATTRIBUTE]: '' }}>
        <summary class="sse-inspector__summary">SSE inspector</summary>
      </details>
      <script src={assetPath(prefix, INSPECTOR_ASSET_FILES.script)} nonce={nonce} defer></script>
    </>
  );
}
