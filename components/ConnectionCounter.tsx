import { escapeHtml } from '@kitajs/html';
import { assertChannelName } from '../lib/broadcast/channelName';
import { PAGE_COUNT_ATTRIBUTE } from '../lib/protocol/monitorContract';
import { DEFAULT_PREFIX } from '../lib/protocol/streamPaths';
import { OptionReader } from '../lib/validation/optionReader';
import { assertPrefix } from './streamUrl';

/** What a {@link ConnectionCounter} counts. */
export type ConnectionCounterMode = 'server' | 'page';

/** Props of {@link ConnectionCounter}. */
export interface ConnectionCounterProps {
  /**
   * `server` (default): the server's open streams, polled. `page`: this page's open monitored
   * connections, told by the monitor runtime as they change, with no request at all.
   */
  mode?: ConnectionCounterMode;
  /** Count the open streams of this channel (`server` mode only). Default: every open stream. */
  channel?: string;
  /** Mount path of the middleware (`server` mode). Default `/sse`. */
  prefix?: string;
  /** How often the count is refreshed, in ms, at least 250 (`server` mode only). Default 5000. */
  intervalMs?: number;
  /** Classes of the element. Default `sse-connection-count`. */
  class?: string;
}

/**
 * A live count of open streams. In `server` mode, polled by htmx from the middleware's
 * `{prefix}/_stats/count`: so it shows a number only where the middleware's `stats` option allows
 * it (elsewhere the request fails and the element stays empty); on a Redis bus it counts every
 * process. In `page` mode, the page's own monitored connections that are open
 * (`window.sseMonitor.count()`), rewritten by the monitor runtime on each `sse-monitor:count`.
 * The same markup for both dialects.
 * @throws TypeError naming any invalid prop, or one that `page` mode does not take (`channel`, `intervalMs`).
 */
export function ConnectionCounter(props: ConnectionCounterProps): JSX.Element {
  const read = new OptionReader<ConnectionCounterProps>('ConnectionCounter', props);
  const mode = read.oneOf('mode', ['server', 'page'] as const, 'server');
  const classes = escapeHtml(props.class ?? 'sse-connection-count');
  const prefix = props.prefix ?? DEFAULT_PREFIX;
  assertPrefix(prefix);
  if (mode === 'page') {
    for (const name of ['channel', 'intervalMs'] as const)
      if (read.raw(name) !== undefined) throw read.error(name, 'left out in page mode', read.raw(name));
    return <span class={classes} aria-live="polite" {...{ [PAGE_COUNT_ATTRIBUTE]: '' }}></span>;
  }
  if (props.channel !== undefined) assertChannelName(props.channel);
  const intervalMs = read.integer('intervalMs', 5000, { min: 250 });
  const base = `${prefix === '/' ? '' : prefix}/_stats/count`;
  const url = props.channel === undefined ? base : `${base}?channel=${encodeURIComponent(props.channel)}`;
  return (
    <span
      class={classes}
      hx-get={escapeHtml(url)}
      hx-trigger={`load, every ${intervalMs}ms`}
      hx-swap="innerHTML"
      aria-live="polite"
    ></span>
  );
}
