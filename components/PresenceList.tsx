// Attribute values are escaped in full with escapeHtml: Kita escapes only `"` in them.
import { escapeHtml } from '@kitajs/html';
import {
  DEFAULT_PRESENCE_FIELD,
  MEMBER_ATTRIBUTE,
  memberLabel,
  PRESENCE_EMPTY_ATTRIBUTE,
  PRESENCE_EMPTY_CLASS,
  PRESENCE_FIELD_ATTRIBUTE,
  PRESENCE_LIST_ATTRIBUTE,
} from '../lib/protocol/presenceContract';
import { optionalText, type PresenceSourceProps, withPresence } from './presenceSource';

/** Props of {@link PresenceList}. */
export interface PresenceListProps extends PresenceSourceProps {
  /**
   * The member field each item shows (the member's id when it has none, or a blank one). Default
   * `name`. Shown as text, never as markup.
   */
  field?: string;
  /**
   * Text of the one item shown while no one is there (class `sse-presence-empty`). Default: no
   * item. Not shown while the members are unknown (the source failed at render time).
   */
  empty?: string;
  /** Classes of the list. Default `sse-presence`. */
  class?: string;
}

const FIELD_LENGTH_LIMIT = 100;

/**
 * Who is on a channel, as a `<ul>`: one `<li data-sse-member="{id}">` per member (up to the
 * broadcaster's member cap, in the order they joined), its text the member's `field`. Rendered
 * with the members at render time, then kept live by the page's runtime (`monitor.js`, loaded by
 * `<SseHead>`) from the channel's `sse:presence` events, as text only, in either dialect and on
 * the browser's shared stream. Those events arrive on a monitored stream of the page that carries
 * the channel (an `<SseElement>` of that channel with a `<ConnectionMonitor>` or a `resync`),
 * wherever the list sits on the page.
 * @throws TypeError naming an invalid prop.
 */
export function PresenceList(props: PresenceListProps): JSX.Element {
  const owner = 'PresenceList';
  const field = optionalText(owner, 'field', props?.field, FIELD_LENGTH_LIMIT) ?? DEFAULT_PRESENCE_FIELD;
  const empty = optionalText(owner, 'empty', props?.empty);
  const className = optionalText(owner, 'class', props?.class) ?? 'sse-presence';
  return withPresence(owner, props, (view) => {
    const members = view?.members ?? [];
    const attributes = {
      class: escapeHtml(className),
      [PRESENCE_LIST_ATTRIBUTE]: escapeHtml(props.channel),
      [PRESENCE_FIELD_ATTRIBUTE]: escapeHtml(field),
      [PRESENCE_EMPTY_ATTRIBUTE]: empty === undefined ? undefined : escapeHtml(empty),
    };
    return (
      <ul {...attributes}>
        {members.map((member) => (
          <li {...{ [MEMBER_ATTRIBUTE]: escapeHtml(member.id) }} safe>
            {memberLabel(member, field)}
          </li>
        ))}
        {view?.members.length === 0 && empty !== undefined ? (
          <li class={PRESENCE_EMPTY_CLASS} safe>
            {empty}
          </li>
        ) : (
          ''
        )}
      </ul>
    );
  });
}
