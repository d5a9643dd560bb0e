import { escapeHtml } from '@kitajs/html';
import { assertChannelName } from '../lib/broadcast/channelName';
import { DEFAULT_PREFIX } from '../lib/protocol/streamPaths';
import { OptionReader } from '../lib/validation/optionReader';
import { assertPrefix } from './streamUrl';

/** Props of {@link ConnectionCounter}. */
export interface ConnectionCounterProps {
  /** Count the open streams of this channel. Default: every open stream. */
  channel?: string;
  /** Mount path of the middleware. Default `/sse`. */
  prefix?: string;
  /** How often the count is refreshed, in ms (at least 250). Default 5000. */
  intervalMs?: number;
  /** Classes of the element. Default `sse-connection-count`. */
  class?: string;
}

/**
 * A live count of open streams, polled by htmx from the middleware's `{prefix}/_stats/count`: so
 * it shows a number only where the middleware's `stats` option allows it (elsewhere the request fails and the element stays empty).
 * On a Redis bus it counts every process. htmx attributes only: the same markup for both dialects.
 * @throws TypeError naming any invalid prop.
 */
export function ConnectionCounter(props: ConnectionCounterProps): JSX.Element {
  const read = new OptionReader<ConnectionCounterProps>('ConnectionCounter', props);
  const prefix = props.prefix ?? DEFAULT_PREFIX;
  assertPrefix(prefix);
  if (props.channel !== undefined) assertChannelName(props.channel);
  const intervalMs = read.integer('intervalMs', 5000, { min: 250 });
  const base = `${prefix === '/' ? '' : prefix}/_stats/count`;
  const url = props.channel === undefined ? base : `${base}?channel=${encodeURIComponent(props.channel)}`;
  return (
    <span
      class={escapeHtml(props.class ?? 'sse-connection-count')}
      hx-get={escapeHtml(url)}
      hx-trigger={`load, every ${intervalMs}ms`}
      hx-swap="innerHTML"
      aria-live="polite"
    ></span>
  );
}
