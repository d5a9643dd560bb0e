/**
 * A channel's presence over every process: members merged by id (one member however many
 * processes hold its streams), capped, and compared with the view a stream last got.
 */
import type { PresenceEventData, PresenceMember } from '../protocol/protocolEvents';
import type { ProcessMembers } from './presenceStore';

/** Who is on a channel now, as `broadcaster.presence(channel)` answers. */
export interface PresenceSnapshot {
  channel: string;
  /** Members over every process. Past the member cap, members listed by several processes may count twice. */
  count: number;
  /** Up to the cap, in the order they joined (this process's first). */
  members: PresenceMember[];
}

/**
 * Merges the members every process shared, the first process's first: each id once, at most
 * `maxMembers` listed; the count adds what each process holds beyond what it listed.
 */
export function mergePresence(
  channel: string,
  shares: readonly ProcessMembers[],
  maxMembers: number,
): PresenceSnapshot {
  const byId = new Map<string, PresenceMember>();
  let unlisted = 0;
  for (const share of shares) {
    unlisted += Math.max(0, share.count - share.members.length);
    for (const member of share.members) if (!byId.has(member.id)) byId.set(member.id, member);
  }
  const members = [...byId.values()];
  return { channel, count: members.length + unlisted, members: members.slice(0, maxMembers) };
}

/** Whether two views of a channel would show the same thing. */
export function samePresence(a: PresenceSnapshot, b: PresenceSnapshot): boolean {
  return (
    a.count === b.count &&
    a.members.length === b.members.length &&
    a.members.every((member, index) => JSON.stringify(member) === JSON.stringify(b.members[index]))
  );
}

/** The presence event's data for `now`, after `before` (none: everyone listed joined). */
export function presenceEventData(now: PresenceSnapshot, before: PresenceSnapshot | undefined): PresenceEventData {
  const was = new Set(before?.members.map((member) => member.id));
  const is = new Set(now.members.map((member) => member.id));
  return {
    channel: now.channel,
    count: now.count,
    members: now.members,
    joined: [...is].filter((id) => !was.has(id)),
    left: [...was].filter((id) => !is.has(id)),
  };
}
