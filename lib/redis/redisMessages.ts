import type { Inbound } from '../broadcast/bus';
import type { CloseWhere, DisconnectKind, ProcessMessages } from '../broadcast/processMessages';
import type { ConnectionInfo } from '../broadcast/sseConnection';
import type { RunCommand } from './commandDeadline';
import { type DirectKind, DirectMessages, isAnswer } from './directMessages';
import type { RedisKeys } from './redisKeys';
import type { StreamEntry } from './streamEntry';
import type { RedisConnection, StreamReader } from './streamReader';

/** A `disconnectWhere` request as another process sent it, or undefined when it is not one. */
function parseCloseWhere(payload: Buffer): CloseWhere | undefined {
  try {
    const request = JSON.parse(payload.toString('utf8')) as Partial<CloseWhere>;
    const { match, close } = request;
    if (!match || typeof match !== 'object' || (match.metadata === undefined && match.channel === undefined))
      return undefined;
    return { match, close: close && typeof close === 'object' ? close : {} };
  } catch {
    return undefined;
  }
}

/** What a {@link RedisMessages} needs from its bus. */
export interface RedisMessagesOptions {
  /** Runs commands on the commands connection. */
  run: RunCommand<RedisConnection>;
  keys: RedisKeys;
  processId: string;
  /** The reader of bucket 0, which follows the request stream and this process's answer inbox. */
  reader: StreamReader;
  /** How many buckets have a reader (each follows an inbox of this process). */
  buckets: number;
  /** How long a request waits for the holder's answer (ms). */
  timeoutMs: number;
  /** Reports newer than this many ms mark a process as live (it will answer). */
  liveWindowMs: number;
  onError(error: unknown): void;
}

/**
 * The {@link ProcessMessages} of the Redis bus, over `directMessages.ts`: a request goes on one
 * stream every process reads; each live process (its stats report is recent) answers in the
 * sender's inbox. A call resolves on the holder's answer, with "not found" once every live process
 * said "not here" or after `commandTimeoutMs`, and rejects when the request cannot be sent. A
 * `'replace'` ends only streams opened before the asking one, by the request stream's order
 * (`pendingReplacements.ts`), never a clock. Nothing is kept: a process not reading the request
 * stream when a message is appended never acts on it. `announce` resolves once the notice is sent.
 */
export class RedisMessages implements ProcessMessages {
  readonly #direct: DirectMessages;
  readonly #keys: RedisKeys;
  readonly #inboxes: ReadonlySet<string>;
  #inbound: Inbound | undefined;

  /** @param options - the bus's runner, keys, identity and reader of bucket 0. */
  constructor(options: RedisMessagesOptions) {
    const { keys, processId } = options;
    this.#keys = keys;
    this.#inboxes = new Set(Array.from({ length: options.buckets }, (_, bucket) => keys.inbox(processId, bucket)));
    this.#direct = new DirectMessages({
      run: options.run,
      keys,
      processId,
      reader: options.reader,
      timeoutMs: options.timeoutMs,
      liveWindowMs: options.liveWindowMs,
      answerLocally: this.#answerLocally,
      announceLocally: (frame) => this.#inbound?.message({ kind: 'notice', frame }),
      presenceChanged: (channel) => this.#inbound?.message({ kind: 'presence', channel }),
      onError: options.onError,
    });
  }

  /** Where the messages of other processes go, from now on (`Bus.attach`). */
  attach(inbound: Inbound): void {
    this.#inbound = inbound;
  }

  /** {@link ProcessMessages.sendTo}, here. */
  async sendTo(connectionId: string, frame: Buffer): Promise<boolean> {
    return (await this.#direct.request('write', connectionId, frame)) !== undefined;
  }

  /** {@link ProcessMessages.disconnect}, here. */
  async disconnect(connectionId: string, frame: Buffer, kind: DisconnectKind = 'close'): Promise<boolean> {
    return (await this.#direct.request(kind, connectionId, frame)) !== undefined;
  }

  /** {@link ProcessMessages.lookup}, here. */
  async lookup(connectionId: string): Promise<ConnectionInfo | undefined> {
    const answer = await this.#direct.request('info', connectionId, Buffer.alloc(0));
    return answer === undefined ? undefined : (JSON.parse(answer) as ConnectionInfo);
  }

  /** {@link ProcessMessages.announce}, here. */
  announce(frame: Buffer): Promise<void> {
    return this.#direct.announce(frame);
  }

  /** Tells every other process that this one changed who is on `channel` (`redisPresence.ts`). */
  tellPresence(channel: string): Promise<void> {
    return this.#direct.tellPresence(channel);
  }

  /** {@link ProcessMessages.disconnectWhere}, here: the sum of every live process's answer. */
  async disconnectWhere(request: CloseWhere): Promise<number> {
    const answers = await this.#direct.requestEvery('where', Buffer.from(JSON.stringify(request), 'utf8'));
    return answers.reduce((sum, answer) => sum + (Number(answer) || 0), 0);
  }

  /** Acts on an entry of the request stream or of an inbox of this process; false for any other `key`. */
  onEntry(key: string, entry: StreamEntry): boolean {
    if (this.#inboxes.has(key)) {
      if (isAnswer(entry)) this.#direct.onAnswer(entry);
      return true;
    }
    if (key !== this.#keys.direct) return false;
    this.#direct.onRequest(entry);
    return true;
  }

  /** Resolves every pending request as unanswered (the bus is closing). */
  stop(): void {
    this.#direct.stop();
  }

  readonly #answerLocally = (kind: DirectKind, connectionId: string, payload: Buffer): string | undefined => {
    const inbound = this.#inbound;
    if (!inbound) return undefined;
    if (kind === 'where') {
      const request = parseCloseWhere(payload);
      return String(request ? inbound.message({ kind: 'closeWhere', request }) : 0);
    }
    if (kind === 'info') {
      const info = inbound.message({ kind: 'describe', connectionId });
      return info === undefined ? undefined : JSON.stringify(info);
    }
    const done = inbound.message({ kind: kind === 'write' ? 'write' : 'close', connectionId, frame: payload });
    return done ? '1' : undefined;
  };
}
