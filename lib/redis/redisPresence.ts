import type { PresenceStore, ProcessMembers } from '../broadcast/presenceStore';
import type { RunCommand } from './commandDeadline';
import type { RedisKeys } from './redisKeys';
import type { RedisConnection } from './streamReader';

/**
 * A channel's presence hash lives this long after the last share to it. Processes share again
 * well within it (`presenceBoard.ts`), so only a channel every process has left for good expires.
 */
const PRESENCE_TTL_MS = 20 * 60_000;

/** What a {@link RedisPresence} needs from its bus. */
export interface RedisPresenceOptions {
  run: RunCommand<RedisConnection>;
  keys: RedisKeys;
  processId: string;
  /** Reports newer than this many ms mark a process as live: a process that stops reporting stops counting. */
  liveWindowMs: number;
  /** Tells the other processes that this one changed who is on `channel`. */
  tell(channel: string): Promise<void>;
}

/**
 * The {@link PresenceStore} on Redis: a hash per channel (in the channel's bucket on a cluster),
 * one field per process holding its members as JSON. A read keeps only the fields of processes
 * whose stats report is live (`clusterStats.ts`), so a process that died stops counting once its
 * report is older than the live window; a share tells every other process through the request
 * stream they all read.
 */
export class RedisPresence implements PresenceStore {
  readonly #options: RedisPresenceOptions;

  /** @param options - the bus's runner, keys, identity and liveness. */
  constructor(options: RedisPresenceOptions) {
    this.#options = options;
  }

  /** {@inheritDoc PresenceStore.share} */
  async share(channel: string, members: ProcessMembers): Promise<void> {
    const { run, keys, processId } = this.#options;
    const key = keys.presence(channel);
    if (members.count === 0) await run(`withdraw presence of ${channel}`, (client) => client.hDel(key, processId));
    else
      await run(`share presence of ${channel}`, (client) =>
        client.multi().hSet(key, processId, JSON.stringify(members)).pExpire(key, PRESENCE_TTL_MS).exec(),
      );
    await this.#options.tell(channel);
  }

  /** {@inheritDoc PresenceStore.read} */
  async read(channel: string): Promise<ProcessMembers[]> {
    const { run, keys, processId, liveWindowMs } = this.#options;
    const [fields, live] = await Promise.all([
      run(`read presence of ${channel}`, (client) => client.hGetAll(keys.presence(channel))),
      run('read live processes', (client) => client.zRangeByScore(keys.processes, Date.now() - liveWindowMs, '+inf')),
    ]);
    const liveIds = new Set(live);
    const shares: ProcessMembers[] = [];
    for (const [process, text] of Object.entries(fields)) {
      if (process === processId || !liveIds.has(process)) continue;
      const share = parseShare(text);
      if (share) shares.push(share);
    }
    return shares;
  }
}

/** A process's share as stored, or undefined when it is not one. */
function parseShare(text: string): ProcessMembers | undefined {
  try {
    const share = JSON.parse(text) as Partial<ProcessMembers>;
    return Array.isArray(share.members) && typeof share.count === 'number'
      ? { members: share.members, count: share.count }
      : undefined;
  } catch {
    return undefined;
  }
}
