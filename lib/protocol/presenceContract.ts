/**
 * What `<PresenceList>`, `<PresenceCount>` and the browser runtime agree on: the attributes that
 * mark a presence element and name its channel, and how a member is shown. The server renders the
 * first view and the runtime redraws it from each `sse:presence` event the same way, so a page
 * looks alike before and after its first event. Imported by both sides, so, like
 * `monitorContract.ts`, it stays free of Node and DOM types.
 */
import type { PresenceMember } from './protocolEvents';

/** On a `<PresenceList>`: the channel whose members it lists. */
export const PRESENCE_LIST_ATTRIBUTE = 'data-sse-presence-list';
/** On a `<PresenceCount>`: the channel whose members it counts. */
export const PRESENCE_COUNT_ATTRIBUTE = 'data-sse-presence-count';
/** On a `<PresenceList>`: the member field each item shows. */
export const PRESENCE_FIELD_ATTRIBUTE = 'data-sse-presence-field';
/** On a `<PresenceList>`: the text of the one item it shows when no one is there (absent: no item). */
export const PRESENCE_EMPTY_ATTRIBUTE = 'data-sse-presence-empty';
/** On each item of a `<PresenceList>`: the member's id. */
export const MEMBER_ATTRIBUTE = 'data-sse-member';
/** Class of the item a `<PresenceList>` shows when no one is there. */
export const PRESENCE_EMPTY_CLASS = 'sse-presence-empty';
/** The field a `<PresenceList>` item shows unless told otherwise. */
export const DEFAULT_PRESENCE_FIELD = 'name';

/**
 * What an item shows for `member`: its `field` when that is a non-blank string or a number or
 * boolean, else its id (a member with no name still shows as someone). Always plain text: the
 * server escapes it and the runtime sets it as `textContent`.
 */
export function memberLabel(member: PresenceMember, field: string): string {
  const value = Object.hasOwn(member, field) ? member[field] : null;
  if (typeof value === 'string') return value.trim() === '' ? member.id : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return member.id;
}
