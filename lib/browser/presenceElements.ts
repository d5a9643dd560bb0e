/**
 * Keeps `<PresenceList>` and `<PresenceCount>` live: each `sse:presence` event that a monitored
 * stream of the page receives (reported as `sse-monitor:message`, in either dialect, on its own
 * or the browser's shared stream) redraws every presence element of the event's channel, wherever
 * it sits on the page. Names and counts are set as text, never parsed as markup. The server sends
 * at most one event per channel per interval, so each is drawn as it comes.
 */
import { MESSAGE_DOM_EVENT, type MonitorMessageDetail } from '../protocol/inspectorContract';
import {
  DEFAULT_PRESENCE_FIELD,
  MEMBER_ATTRIBUTE,
  memberLabel,
  PRESENCE_COUNT_ATTRIBUTE,
  PRESENCE_EMPTY_ATTRIBUTE,
  PRESENCE_EMPTY_CLASS,
  PRESENCE_FIELD_ATTRIBUTE,
  PRESENCE_LIST_ATTRIBUTE,
} from '../protocol/presenceContract';
import { PRESENCE_EVENT, type PresenceEventData, type PresenceMember } from '../protocol/protocolEvents';

/** What a presence event must carry to be drawn. */
type PresenceView = Pick<PresenceEventData, 'channel' | 'count' | 'members'>;

/** The most members one list draws: the largest member cap the server allows. */
const MAX_DRAWN_MEMBERS = 10_000;

const isMember = (value: unknown): value is PresenceMember =>
  typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';

/** The view an event's data carries, or undefined for data that is not one (drawn: nothing). */
function presenceViewOf(data: string): PresenceView | undefined {
  let parsed: Partial<PresenceView> | null;
  try {
    parsed = JSON.parse(data) as Partial<PresenceView> | null;
  } catch {
    return undefined;
  }
  const { channel, count, members } = parsed ?? {};
  if (typeof channel !== 'string' || typeof count !== 'number' || !Number.isFinite(count) || !Array.isArray(members))
    return undefined;
  return { channel, count, members: members.slice(0, MAX_DRAWN_MEMBERS).filter(isMember) };
}

/** Every element of the page with `attribute` equal to `channel` (compared, never put into a selector). */
function elementsOf(root: ParentNode, attribute: string, channel: string): Element[] {
  return [...root.querySelectorAll(`[${attribute}]`)].filter((element) => element.getAttribute(attribute) === channel);
}

/** Redraws one list: an item per member, or the empty item. */
function drawList(list: Element, members: readonly PresenceMember[]): void {
  const field = list.getAttribute(PRESENCE_FIELD_ATTRIBUTE) || DEFAULT_PRESENCE_FIELD;
  const items = members.map((member) => {
    const item = document.createElement('li');
    item.setAttribute(MEMBER_ATTRIBUTE, member.id);
    item.textContent = memberLabel(member, field);
    return item;
  });
  const empty = list.getAttribute(PRESENCE_EMPTY_ATTRIBUTE);
  if (items.length === 0 && empty !== null) {
    const item = document.createElement('li');
    item.className = PRESENCE_EMPTY_CLASS;
    item.textContent = empty;
    items.push(item);
  }
  list.replaceChildren(...items);
}

/** Draws `view` into every presence element of its channel. */
function drawPresence(root: ParentNode, view: PresenceView): void {
  for (const list of elementsOf(root, PRESENCE_LIST_ATTRIBUTE, view.channel)) drawList(list, view.members);
  const count = String(view.count);
  for (const element of elementsOf(root, PRESENCE_COUNT_ATTRIBUTE, view.channel))
    if (element.textContent !== count) element.textContent = count;
}

/** Starts keeping the page's presence elements live; returns what stops it. */
export function installPresenceElements(): () => void {
  const onMessage = (event: Event): void => {
    const detail = (event as CustomEvent<MonitorMessageDetail>).detail;
    if (detail?.event !== PRESENCE_EVENT) return;
    const view = presenceViewOf(detail.data);
    if (view) drawPresence(document, view);
  };
  // Capture: a page listener that stops the message event does not stop the redraw.
  document.addEventListener(MESSAGE_DOM_EVENT, onMessage, true);
  return () => document.removeEventListener(MESSAGE_DOM_EVENT, onMessage, true);
}
