/**
 * The presence part of the seam: where each process shares who is on a channel with it, and reads
 * what every other live process shared. A backend tells the other processes of a change through
 * `Inbound.message({ kind: 'presence', channel })`; this process's own changes are not told back.
 */
import type { PresenceMember } from '../protocol/protocolEvents';

/** What one process holds of a channel's presence. */
export interface ProcessMembers {
  /** Its members, up to the member cap, in the order they joined. */
  members: PresenceMember[];
  /** How many members it holds in all (more than `members.length` past the cap). */
  count: number;
}

/** Where processes share their members (see the module comment). */
export interface PresenceStore {
  /**
   * Replaces this process's members of `channel` (none: withdraws them) and tells the other
   * processes that it changed. Rejects when the backend cannot be reached (the next change or
   * sweep shares again).
   */
  share(channel: string, members: ProcessMembers): Promise<void>;
  /**
   * What every other live process shared for `channel` (this process knows its own). A process
   * that died stops counting within the backend's liveness bound.
   */
  read(channel: string): Promise<ProcessMembers[]>;
}

/** The presence store of a backend of one process: there is no other process to share with. */
export const NO_OTHER_PRESENCE: PresenceStore = Object.freeze({
  share: async () => {},
  read: async () => [],
});
