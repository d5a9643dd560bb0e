import { dialectNamed } from '../lib/dialects/dialectRegistry';
import { ASSET_FILES, SHARED_STREAM_META, SUPERVISE_META } from '../lib/protocol/monitorContract';
import { assetPath, DEFAULT_PREFIX } from '../lib/protocol/streamPaths';
import { describeValue } from '../lib/validation/describeValue';
import { OptionReader } from '../lib/validation/optionReader';
import { DEFAULT_DIALECT, type Dialect } from './dialect';
import { inlineJson } from './inlineJson';
import { type MonitorOptions, type ResolvedMonitorOptions, resolveMonitorOptions } from './monitorOptions';
import { assertPrefix } from './streamUrl';

/** Props of {@link SseHead}. */
export interface SseHeadProps {
  /** Which htmx and extension to load. Default {@link DEFAULT_DIALECT} (`htmx2`). */
  dialect?: Dialect;
  /** Mount path of `sseMiddleware`, whose `_assets` route serves the files. Default `/sse`. */
  prefix?: string;
  /**
   * CSP nonce put on every tag; also given to htmx (`inlineScriptNonce`, `inlineStyleNonce`) so
   * that the styles and scripts htmx itself inserts pass a nonce-based policy.
   */
  nonce?: string;
  /** Load htmx and its SSE extension. Default true (false when the page loads its own). */
  htmx?: boolean;
  /** Load the monitor runtime. Default true. */
  monitor?: boolean;
  /** Load the status indicator stylesheet. Default true. */
  styles?: boolean;
  /**
   * Share one stream per browser between all monitored elements of all tabs (a SharedWorker, or a
   * leader tab where there is none). Default true; false gives every element its own stream.
   */
  sharedStream?: boolean;
  /**
   * Supervise every connect element of the page (`sse-connect`, `hx-sse:connect`), those swapped
   * in later included, with no `<ConnectionMonitor>`: states and their events, reconnects with
   * capped backoff, the heartbeat timeout. `true` uses the default monitor options; an object gives
   * them (see `MonitorOptions`). An element's own `<ConnectionMonitor>` still takes precedence, and
   * an element with no `data-sse-connection` is given one: its `id`, else `sse-page-{n}`.
   * Default false: only monitored elements are supervised.
   * @throws TypeError naming a value that is neither a boolean nor valid monitor options.
   */
  supervise?: boolean | MonitorOptions;
}

const NONCE = /^[A-Za-z0-9+/_=-]{1,256}$/;

/** Throws a `TypeError` unless `nonce` is undefined or a CSP nonce: 1-256 base64 characters. */
export function assertNonce(nonce: unknown): asserts nonce is string | undefined {
  if (nonce !== undefined && (typeof nonce !== 'string' || !NONCE.test(nonce)))
    throw new TypeError(`nonce must be 1-256 base64 characters, got ${describeValue(nonce)}`);
}

/** The page-wide monitor options of `supervise`, or undefined when it is off. */
function supervision(supervise: unknown): ResolvedMonitorOptions | undefined {
  if (supervise === undefined || supervise === false) return undefined;
  if (supervise === true) return resolveMonitorOptions({}, 'SseHead supervise');
  if (supervise === null || typeof supervise !== 'object')
    throw new TypeError(`SseHead: supervise must be a boolean or monitor options, got ${describeValue(supervise)}`);
  return resolveMonitorOptions(supervise, 'SseHead supervise');
}

/**
 * Tags for a page's `<head>`: htmx, its SSE extension and the monitor runtime (in that order,
 * which the monitor needs) and the indicator stylesheet, all from `{prefix}/_assets/`, so no CDN
 * is involved. Scripts are classic and blocking, like htmx's own instructions. With `supervise`,
 * a `<meta name="sse-supervise">` carries the page-wide monitor options to the runtime.
 * @throws TypeError naming an invalid dialect, prefix, nonce or supervise option.
 */
export function SseHead(props: SseHeadProps = {}): JSX.Element {
  const dialect = dialectNamed(props.dialect ?? DEFAULT_DIALECT);
  const prefix = props.prefix ?? DEFAULT_PREFIX;
  assertPrefix(prefix);
  const { nonce } = props;
  assertNonce(nonce);
  const asset = (file: string): string => assetPath(prefix, file);
  const scripts: string[] = [];
  if (props.htmx ?? true) {
    scripts.push(...dialect.assets.map((asset) => asset.file));
  }
  if (props.monitor ?? true) scripts.push(ASSET_FILES.monitor);
  const sharedStream = new OptionReader<SseHeadProps>('SseHead', props).boolean('sharedStream', true);
  const supervised = supervision(props.supervise);
  return (
    <>
      {sharedStream ? <meta name={SHARED_STREAM_META} content={prefix} /> : ''}
      {supervised ? <meta name={SUPERVISE_META} content={inlineJson(supervised)} /> : ''}
      {nonce === undefined ? (
        ''
      ) : (
        <meta name="htmx-config" content={inlineJson({ inlineScriptNonce: nonce, inlineStyleNonce: nonce })} />
      )}
      {(props.styles ?? true) ? <link rel="stylesheet" href={asset(ASSET_FILES.styles)} nonce={nonce} /> : ''}
      {scripts.map((file) => (
        <script src={asset(file)} nonce={nonce}></script>
      ))}
    </>
  );
}
