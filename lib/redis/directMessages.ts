import { randomUUID } from 'node:crypto';
import type { RunCommand } from './commandDeadline';
import { PendingReplacements } from './pendingReplacements';
import type { RedisKeys } from './redisKeys';
import type { StreamEntry } from './streamEntry';
import type { RedisConnection, StreamReader } from './streamReader';

/** Entries kept in the shared request stream and in each inbox (both are read live, not replayed). */
const DIRECT_STREAM_LENGTH = 1000;
/** An inbox nobody writes to for this long disappears (its process may be gone). */
const INBOX_TTL_MS = 60_000;

/**
 * Appends an entry to a process's inbox in `bucket` (answers go to bucket 0, a reader's wake-up to
 * its bucket), keeping it short and expiring.
 */
export function appendToInbox(
  client: RedisConnection,
  keys: RedisKeys,
  processId: string,
  fields: Record<string, string>,
  bucket = 0,
): Promise<unknown> {
  const inbox = keys.inbox(processId, bucket);
  return client
    .multi()
    .xAdd(inbox, '*', fields, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: DIRECT_STREAM_LENGTH } })
    .pExpire(inbox, INBOX_TTL_MS)
    .exec();
}

/**
 * What a request asks of the process holding a connection: write a frame to it, end it after
 * a close frame (`close`: whichever stream holds the id; `replace`: only a stream opened before
 * the sender's, see {@link PendingReplacements}), or describe it. The holder answers with text
 * (`'1'`, or the connection's info as JSON); a process without the connection answers nothing.
 * `where` asks every process at once (`disconnectWhere`, the payload its JSON request): each
 * answers how many of its streams it ended, and the sender waits for them all.
 */
export type DirectKind = 'write' | 'close' | 'replace' | 'info' | 'where';

/** Field `k` of a request entry, per kind; `n` marks a notice to every connection. */
const KIND_FIELD: Record<DirectKind, string> = { write: 'w', close: 'c', replace: 'r', info: 'i', where: 'm' };
const KIND_OF_FIELD: Record<string, DirectKind> = { w: 'write', c: 'close', r: 'replace', i: 'info', m: 'where' };
const NOTICE_FIELD = 'n';
/** Field `k` of an entry telling that a process changed who is on channel `c`. */
const PRESENCE_FIELD = 'p';
/** The kind (`k`) of an answer in an inbox. */
const ANSWER_KIND = 'a';

/** Whether an inbox entry is an answer to a request (every entry there is, today). */
export function isAnswer(entry: StreamEntry): boolean {
  return entry.message.k === ANSWER_KIND;
}

/** What a {@link DirectMessages} needs from its bus. */
export interface DirectMessagesOptions {
  run: RunCommand<RedisConnection>;
  keys: RedisKeys;
  processId: string;
  /** The reader that follows the request stream (`keys.direct`). */
  reader: Pick<StreamReader, 'positionOf' | 'passed'>;
  /** How long to wait for the holder's answer before resolving false. */
  timeoutMs: number;
  /** Reports newer than this many ms mark a process as live (it will answer). */
  liveWindowMs: number;
  /** Does `kind` to a connection of this process: its answer, or undefined when it is not here. */
  answerLocally(kind: DirectKind, connectionId: string, payload: Buffer): string | undefined;
  /** Writes a notice to every connection of this process. */
  announceLocally(frame: Buffer): void;
  /** Another process changed who is on `channel`. */
  presenceChanged(channel: string): void;
  onError(error: Error): void;
}

interface PendingSend {
  /** Live processes other than this one, once known. */
  peers: Set<string> | undefined;
  answers: Map<string, string | undefined>;
  /** Whether it waits for every peer's answer (`where`) rather than the holder's. */
  everyPeer: boolean;
  /** Resolves it: with the first answer given, or with every answer given for `everyPeer`. */
  finish(): void;
}

/**
 * `sendTo`, `disconnect` and `connection` across processes. A request goes on one stream every
 * process reads; each live process answers in the sender's inbox (the holder with its answer,
 * the others with nothing), so the sender resolves on the first answer and with undefined as
 * soon as every live process has said "not here". Notices go on the same stream, unanswered.
 * A `replace` request ends only a stream opened before the sender's: the stream's order decides
 * (see {@link PendingReplacements}), never a clock.
 */
export class DirectMessages {
  readonly #options: DirectMessagesOptions;
  readonly #pending = new Map<string, PendingSend>();
  readonly #replacements = new PendingReplacements();

  /** @param options - the bus's runner, keys, identity and local delivery. */
  constructor(options: DirectMessagesOptions) {
    this.#options = options;
  }

  /** Asks whichever other process holds `connectionId` to do `kind`; resolves with its answer. */
  async request(
    kind: Exclude<DirectKind, 'where'>,
    connectionId: string,
    payload: Buffer,
  ): Promise<string | undefined> {
    const answers = await this.#send(kind, connectionId, payload);
    return answers.find((answer) => answer !== undefined);
  }

  /** Asks every other live process to do `kind`; resolves with each answer given within the time bound. */
  async requestEvery(kind: 'where', payload: Buffer): Promise<string[]> {
    const answers = await this.#send(kind, '', payload);
    return answers.filter((answer): answer is string => answer !== undefined);
  }

  async #send(kind: DirectKind, connectionId: string, payload: Buffer): Promise<(string | undefined)[]> {
    const { keys, processId, timeoutMs, liveWindowMs } = this.#options;
    const requestId = randomUUID();
    let pending!: PendingSend;
    const result = new Promise<(string | undefined)[]>((resolve) => {
      const timer = setTimeout(() => pending.finish(), timeoutMs);
      timer.unref();
      pending = {
        peers: undefined,
        answers: new Map(),
        everyPeer: kind === 'where',
        finish: () => {
          clearTimeout(timer);
          this.#pending.delete(requestId);
          resolve([...pending.answers.values()]);
        },
      };
    });
    // Registered before the request leaves: an answer can arrive before the command's reply, and
    // the reader can read a request older than this one.
    this.#pending.set(requestId, pending);
    if (kind === 'replace') this.#replacements.add(connectionId, requestId);
    let replies: unknown[];
    try {
      replies = await this.#options.run(`${kind} ${connectionId}`, (client) =>
        client
          .multi()
          .zRangeByScore(keys.processes, Date.now() - liveWindowMs, '+inf')
          .xAdd(
            keys.direct,
            '*',
            { k: KIND_FIELD[kind], c: connectionId, f: payload.toString('utf8'), r: requestId, o: processId },
            { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: DIRECT_STREAM_LENGTH } },
          )
          .exec(),
      );
    } catch (error) {
      pending.answers.clear();
      pending.finish();
      this.#replacements.settle(connectionId, requestId);
      throw error;
    }
    if (kind === 'replace') void this.#settleOnceRead(connectionId, requestId, String(replies[1]));
    pending.peers = new Set((replies[0] as string[]).filter((id) => id !== processId));
    this.#check(pending);
    return result;
  }

  /** Sends a notice to every connection of every other process (no answers). */
  announce(frame: Buffer): Promise<void> {
    return this.#tellEveryone('announce', { k: NOTICE_FIELD, f: frame.toString('utf8') });
  }

  /** Tells every other process that this one changed who is on `channel` (no answers). */
  tellPresence(channel: string): Promise<void> {
    return this.#tellEveryone('presence changed', { k: PRESENCE_FIELD, c: channel });
  }

  /** Appends an unanswered entry from this process to the request stream every process reads. */
  async #tellEveryone(what: string, fields: Record<string, string>): Promise<void> {
    const { keys, processId } = this.#options;
    await this.#options.run(what, (client) =>
      client.xAdd(
        keys.direct,
        '*',
        { ...fields, o: processId },
        { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: DIRECT_STREAM_LENGTH } },
      ),
    );
  }

  /** A request read from the shared stream: act on it if the connection is here, and answer. */
  onRequest(entry: StreamEntry): void {
    const { k, c: connectionId, f: payload = '', r: requestId, o: origin } = entry.message;
    if (origin === undefined) return;
    if (k === NOTICE_FIELD) {
      if (origin !== this.#options.processId) this.#options.announceLocally(Buffer.from(payload, 'utf8'));
      return;
    }
    if (k === PRESENCE_FIELD) {
      if (origin !== this.#options.processId && connectionId !== undefined) this.#options.presenceChanged(connectionId);
      return;
    }
    const kind = KIND_OF_FIELD[k ?? 'w'];
    if (kind === undefined || connectionId === undefined || requestId === undefined) return;
    if (origin === this.#options.processId) {
      // Read back: every replace request for this id read from now on names a newer stream.
      if (kind === 'replace') this.#replacements.settle(connectionId, requestId);
      return;
    }
    // Appended before this process's own request for the id: it names an older stream than the one here.
    const older = kind === 'replace' && this.#replacements.has(connectionId);
    const answer = older ? undefined : this.#options.answerLocally(kind, connectionId, Buffer.from(payload, 'utf8'));
    const { keys, processId } = this.#options;
    const fields: Record<string, string> = { k: ANSWER_KIND, r: requestId, p: processId };
    if (answer !== undefined) fields.a = answer;
    this.#options
      .run(`answer ${kind}`, (client) => appendToInbox(client, keys, origin, fields))
      .catch(this.#options.onError);
  }

  /** An answer read from this process's inbox. */
  onAnswer(entry: StreamEntry): void {
    const { r: requestId, p: peer, a: answer } = entry.message;
    const pending = requestId === undefined ? undefined : this.#pending.get(requestId);
    if (!pending || peer === undefined) return;
    pending.answers.set(peer, answer);
    this.#check(pending);
  }

  /** Resolves every pending request with what it has (the bus is closing). */
  stop(): void {
    for (const pending of [...this.#pending.values()]) pending.finish();
    this.#replacements.clear();
  }

  /**
   * Settles a replace request once the reader is past it, should it pass it unseen (trimmed away,
   * or a follow that started after it); the reader normally settles it on reading it back. However
   * late the reader is, the request stays pending until then: a late reader never ends the newer
   * stream here (at worst, past an unseen request, it leaves an older one open).
   */
  async #settleOnceRead(connectionId: string, requestId: string, entryId: string): Promise<void> {
    const { reader, keys, timeoutMs } = this.#options;
    let passed = false;
    while (!passed && this.#replacements.holds(connectionId, requestId) && reader.positionOf(keys.direct) !== undefined)
      passed = await reader.passed(keys.direct, entryId, timeoutMs);
    this.#replacements.settle(connectionId, requestId);
  }

  #check(pending: PendingSend): void {
    const { peers, answers } = pending;
    if (peers && [...peers].every((peer) => answers.has(peer))) pending.finish();
    else if (!pending.everyPeer && [...answers.values()].some((value) => value !== undefined)) pending.finish();
  }
}
