// Attribute values are escaped in full with escapeHtml: Kita escapes only `"` in them.
import { escapeHtml } from '@kitajs/html';
import { PRESENCE_COUNT_ATTRIBUTE } from '../lib/protocol/presenceContract';
import { optionalText, type PresenceSourceProps, withPresence } from './presenceSource';

/** Props of {@link PresenceCount}. */
export interface PresenceCountProps extends PresenceSourceProps {
  /** Classes of the element. Default `sse-presence-count`. */
  class?: string;
}

/**
 * How many members are on a channel, as a `<span>` whose text is the number (past the member
 * cap too, where the list stops). Rendered with the count at render time (empty when it could not
 * be read), then kept live by the page's runtime from the channel's `sse:presence` events, as
 * `<PresenceList>` is (see there for where those events come from).
 * @throws TypeError naming an invalid prop.
 */
export function PresenceCount(props: PresenceCountProps): JSX.Element {
  const className = optionalText('PresenceCount', 'class', props?.class) ?? 'sse-presence-count';
  return withPresence('PresenceCount', props, (view) => (
    <span
      class={escapeHtml(className)}
      aria-live="polite"
      {...{ [PRESENCE_COUNT_ATTRIBUTE]: escapeHtml(props.channel) }}
      safe
    >
      {view === undefined ? '' : String(view.count)}
    </span>
  ));
}
