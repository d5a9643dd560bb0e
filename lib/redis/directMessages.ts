import { randomUUID } from 'node:crypto';
import type { RunCommand } from './commandDeadline';
import type { RedisKeys } from './redisKeys';
import type { StreamEntry } from './streamEntry';
import type { RedisConnection } from './streamReader';

/** Entries kept in the shared request stream and in each inbox (both are read live, not replayed). */
const DIRECT_STREAM_LENGTH = 1000;
/** An inbox nobody writes to for this long disappears (its process may be gone). */
const INBOX_TTL_MS = 60_000;

/** Appends an entry to a process's inbox (answers and reader wake-ups), keeping it short and expiring. */
export function appendToInbox(
  client: RedisConnection,
  keys: RedisKeys,
  processId: string,
  fields: Record<string, string>,
): Promise<unknown> {
  const inbox = keys.inbox(processId);
  return client
    .multi()
    .xAdd(inbox, '*', fields, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: DIRECT_STREAM_LENGTH } })
    .pExpire(inbox, INBOX_TTL_MS)
    .exec();
}

/** What a {@link DirectMessages} needs from its bus. */
export interface DirectMessagesOptions {
  run: RunCommand<RedisConnection>;
  keys: RedisKeys;
  processId: string;
  /** How long to wait for the holder's answer before resolving false. */
  timeoutMs: number;
  /** Reports newer than this many ms mark a process as live (it will answer). */
  liveWindowMs: number;
  /** Writes a frame to a connection of this process; true when it was written. */
  deliverLocally(connectionId: string, frame: Buffer): boolean;
  onError(error: Error): void;
}

interface PendingSend {
  /** Live processes other than this one, once known. */
  peers: Set<string> | undefined;
  answers: Map<string, boolean>;
  finish(written: boolean): void;
}

/**
 * `sendTo` across processes. A request goes on one stream every process reads; each live
 * process answers in the sender's inbox whether it wrote the frame, so the sender resolves true
 * on the first "written" and false as soon as every live process has said "not here".
 */
export class DirectMessages {
  readonly #options: DirectMessagesOptions;
  readonly #pending = new Map<string, PendingSend>();

  /** @param options - the bus's runner, keys, identity and local delivery. */
  constructor(options: DirectMessagesOptions) {
    this.#options = options;
  }

  /** Sends `frame` to `connectionId` in whichever other process holds it. */
  async send(connectionId: string, frame: Buffer): Promise<boolean> {
    const { keys, processId, timeoutMs, liveWindowMs } = this.#options;
    const requestId = randomUUID();
    let pending!: PendingSend;
    const result = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => pending.finish(false), timeoutMs);
      timer.unref();
      pending = {
        peers: undefined,
        answers: new Map(),
        finish: (written) => {
          clearTimeout(timer);
          this.#pending.delete(requestId);
          resolve(written);
        },
      };
    });
    // Registered before the request leaves: an answer can arrive before the command's reply.
    this.#pending.set(requestId, pending);
    let replies: unknown[];
    try {
      replies = await this.#options.run(`sendTo ${connectionId}`, (client) =>
        client
          .multi()
          .zRangeByScore(keys.processes, Date.now() - liveWindowMs, '+inf')
          .xAdd(
            keys.direct,
            '*',
            { c: connectionId, f: frame.toString('utf8'), r: requestId, o: processId },
            { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: DIRECT_STREAM_LENGTH } },
          )
          .exec(),
      );
    } catch (error) {
      pending.finish(false);
      throw error;
    }
    pending.peers = new Set((replies[0] as string[]).filter((id) => id !== processId));
    this.#check(pending);
    return result;
  }

  /** A request read from the shared stream: write it if the connection is here, and answer. */
  onRequest(entry: StreamEntry): void {
    const { c: connectionId, f: frame, r: requestId, o: origin } = entry.message;
    if (
      origin === undefined ||
      origin === this.#options.processId ||
      connectionId === undefined ||
      requestId === undefined
    )
      return;
    const written = this.#options.deliverLocally(connectionId, Buffer.from(frame ?? '', 'utf8'));
    const { keys, processId } = this.#options;
    this.#options
      .run('answer sendTo', (client) =>
        appendToInbox(client, keys, origin, { t: 'answer', r: requestId, p: processId, w: written ? '1' : '0' }),
      )
      .catch(this.#options.onError);
  }

  /** An answer read from this process's inbox. */
  onAnswer(entry: StreamEntry): void {
    const { r: requestId, p: peer, w } = entry.message;
    const pending = requestId === undefined ? undefined : this.#pending.get(requestId);
    if (!pending || peer === undefined) return;
    pending.answers.set(peer, w === '1');
    this.#check(pending);
  }

  /** Resolves every pending send as not written (the bus is closing). */
  stop(): void {
    for (const pending of [...this.#pending.values()]) pending.finish(false);
  }

  #check(pending: PendingSend): void {
    if ([...pending.answers.values()].includes(true)) pending.finish(true);
    else if (pending.peers && [...pending.peers].every((peer) => pending.answers.has(peer))) pending.finish(false);
  }
}
