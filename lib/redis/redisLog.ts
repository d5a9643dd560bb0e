import { withDeadline } from '../async/deadline';
import type { Inbound } from '../broadcast/bus';
import type {
  BusDelivery,
  BusMessage,
  EventLog,
  PublishReceipt,
  RecentEvent,
  ReplayResult,
  StoredEvent,
} from '../broadcast/eventLog';
import { formatEventId, formatStreamEventId, parseEventId } from '../protocol/eventId';
import { describeValue } from '../validation/describeValue';
import { appendToChannel, type ChannelAppendOptions } from './channelAppend';
import type { RunCommand } from './commandDeadline';
import { positionOfEntry } from './entryIds';
import { InFlightPublishes } from './inFlightPublishes';
import { lostHistoryGap } from './lostHistory';
import { currentPosition, entriesAfter, type PositionSource } from './positionScripts';
import { fromStreamEntry, type StreamEntry, toStreamFields } from './streamEntry';
import type { StreamFollows } from './streamFollows';
import type { RedisConnection, StreamReader } from './streamReader';

/** What a {@link RedisLog} needs from its bus. */
export interface RedisLogOptions extends ChannelAppendOptions {
  /** Runs commands on the commands connection. */
  run: RunCommand<RedisConnection>;
  /** Runs a publish on the publisher's connection (the commands one unless `durability: 'replicated'`). */
  runPublish: RunCommand<RedisConnection>;
  /** One per bucket. */
  readers: readonly StreamReader[];
  /** The streams this process reads live, shared with the messages between processes. */
  follows: StreamFollows;
  onError(error: unknown): void;
}

/** Resolves when `promise` settles or `ms` have passed, whichever is first. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  const done = (): void => undefined;
  return withDeadline(promise, ms, () => new Error(`not settled within ${ms} ms`)).then(done, done);
}

/**
 * The {@link EventLog} of the Redis bus: each channel is a Redis stream, its history (`MAXLEN`,
 * optional age limit, expiring when idle) and the live feed every process reads. The
 * `EventLog` guarantees, as they hold on Redis:
 *
 * - **Order.** A position is a stream id `<epoch>-<n>` (`positionScripts.ts`); on one Redis one
 *   counter numbers every channel, so positions are totally ordered; `position()` reads it.
 * - **Exactly once or a gap.** A reader resumes after the last id it read. A channel's entries
 *   reach this process from the start of its follow (`streamFollows.ts`); `read` covers those
 *   before. A Redis that lost its data starts a new epoch, and a feed that goes on in it gets a gap
 *   first (`lostHistory.ts`). Not covered: a reader further behind than the stream keeps (about
 *   `MAXLEN` entries, or the age limit) skips the trimmed entries without a gap.
 * - **Gaps in `read`.** A cursor not of this bus (unparseable, another epoch, past the newest), an
 *   entry after it trimmed, an expired stream with the cursor older than the position of `idleTtlMs`
 *   ago, or a follow not started within `commandTimeoutMs`.
 * - **Keys.** A keyed append deletes (`XDEL`) the entry its key had, in the same script that adds
 *   the new one, and notes in the channel's latest hash what it trimmed and how many entries it
 *   removed: a replay goes by the newest entry trimmed, never by `max-deleted-entry-id`, which
 *   superseded entries move (an entry removed by anything else is judged conservatively).
 * - **Vouching.** Otherwise one script reads the entries after the cursor and what was trimmed,
 *   atomically, once the follow has started; `read` resolves once live delivery has passed the last
 *   entry it returns, so the stream's merge drops repeats.
 * - **Timeouts.** Every command is bounded by `commandTimeoutMs` and the gate's caps, and rejects
 *   with a `RedisBusError` past them (at once while Redis is unreachable). A rejected `append` may
 *   still be stored and delivered; with `durability: 'replicated'` it also rejects when the replicas
 *   do not confirm in time. `append` resolves once the live feed here passed the entry (at most
 *   `commandTimeoutMs` more), so `delivered` counts this process's connections.
 * - **On a Redis Cluster,** positions are clocked per bucket (epoch 0, never going back) and
 *   `position()` is bucket 0's master's clock, which every bucket's next position is at or after.
 *   Buckets are read apart, so `ordered` is false: a stream over several buckets carries a cursor
 *   per channel and resumes exactly (see the README). No epoch, so no lost-history gap: with
 *   `durability: 'primary'` a failover can silently lose what a master acknowledged within its
 *   replication lag.
 */
export class RedisLog implements EventLog {
  /** Each bucket of a cluster is read apart: channels of different buckets arrive in no common order. */
  readonly ordered: boolean;
  readonly #options: RedisLogOptions;
  readonly #channelOfKey = new Map<string, string>();
  readonly #inFlight = new InFlightPublishes();
  /** Per bucket, the channel entries of the read being handed over, delivered together when it ends. */
  readonly #arrived: BusDelivery[][];
  #inbound: Inbound | undefined;

  /** @param options - the bus's keys, connections, readers and follows. */
  constructor(options: RedisLogOptions) {
    this.#options = options;
    this.ordered = options.readers.length <= 1;
    this.#arrived = options.readers.map(() => []);
  }

  /** Where this process's live deliveries go, from now on (`Bus.attach`). */
  attach(inbound: Inbound): void {
    this.#inbound = inbound;
  }

  /** Channels this process follows. */
  get channels(): number {
    return this.#channelOfKey.size;
  }

  /** Whether `key` is the stream of a followed channel (its ids are positions). */
  isChannelStream(key: string): boolean {
    return this.#channelOfKey.has(key);
  }

  /** {@link EventLog.append}, here (see the class comment); a `filter` is a `TypeError`. */
  async append(message: BusMessage): Promise<PublishReceipt> {
    if (message.filter !== undefined) {
      throw new TypeError(
        `RedisBus cannot send a publish filter (${describeValue(message.filter)}) to other processes (channel ${JSON.stringify(message.channel)}): use exclude, or a channel per audience`,
      );
    }
    const key = this.#options.keys.stream(message.channel);
    return this.#inFlight.during(message.channel, async (deliveredCount) => {
      const { position: id, superseded } = await this.#options.runPublish(
        `publish to ${message.channel}`,
        (client) => appendToChannel(client, this.#options, message.channel, message.key, toStreamFields(message)),
        Buffer.byteLength(message.data),
      );
      const delivered = await this.#deliveredHere(key, id, deliveredCount);
      return { id: formatStreamEventId(message.channel, id), delivered, superseded };
    });
  }

  /** {@link EventLog.read}, here (see the class comment). */
  async read(channel: string, after: string): Promise<ReplayResult> {
    const { keys, commandTimeoutMs, idleTtlMs } = this.#options;
    const key = keys.stream(channel);
    // Read history only once live delivery follows the stream: an event appended between this read
    // and a later start of the follow would be neither replayed nor delivered live. A follow that
    // has not started within commandTimeoutMs leaves that window open, so the answer is a gap.
    const follow = this.#options.follows.get(key);
    if (follow && !follow.started) {
      await within(follow.whenStarted, commandTimeoutMs);
      if (!follow.started) return { kind: 'gap', latestId: undefined };
    }
    const found = await this.#options.run(`history of ${channel}`, (client) =>
      entriesAfter(
        client,
        this.#positionOf(keys.bucketOf(channel)),
        { stream: key, latest: keys.latest(channel) },
        after,
        idleTtlMs,
      ),
    );
    if (found.kind === 'gap') return found;
    const events: StoredEvent[] = found.entries.map((entry) => {
      const { id, frame, key } = fromStreamEntry(channel, entry);
      return key === undefined ? { id, frame } : { id, frame, key };
    });
    const last = events.at(-1);
    // Live delivery of these ids must be done before the replay is handed over, so the
    // connection's de-duplication of held frames sees them.
    if (last) await this.#caughtUp(key, last.id);
    return { kind: 'events', events };
  }

  /** {@link EventLog.recent}, here: read from the channel's stream; `publishedAt` is each entry's `t`. */
  async recent(channel: string, limit: number): Promise<RecentEvent[]> {
    const entries = await this.#options.run(`recent of ${channel}`, (client) =>
      client.xRevRange(this.#options.keys.stream(channel), '+', '-', { COUNT: limit }),
    );
    return (entries ?? []).reverse().map(({ id, message }) => ({
      id: formatStreamEventId(channel, positionOfEntry(id)),
      event: message.e,
      data: message.d ?? '',
      publishedAt: Number(message.t),
    }));
  }

  /** {@link EventLog.position}, here (see the class comment). */
  position(): Promise<string> {
    return this.#options.run('read the position', (client) => currentPosition(client, this.#positionOf(0)));
  }

  /** {@link EventLog.follow}, here: starts reading the channel's stream from its newest entry. */
  follow(channel: string): void {
    const key = this.#options.keys.stream(channel);
    this.#channelOfKey.set(key, channel);
    this.#options.follows.add(key, this.#options.keys.bucketOf(channel));
  }

  /** {@link EventLog.unfollow}, here. */
  unfollow(channel: string): void {
    const key = this.#options.keys.stream(channel);
    this.#channelOfKey.delete(key);
    this.#options.follows.remove(key, this.#options.keys.bucketOf(channel));
  }

  /** An entry `bucket`'s reader read from `key` after `previousId`, kept for {@link onReadEnd} if `key` is a channel's. */
  onEntry(key: string, entry: StreamEntry, previousId: string, bucket: number): void {
    const channel = this.#channelOfKey.get(key);
    if (channel === undefined) return;
    // Redis lost its data since the previous entry: what it stored after that may never be read.
    const gap = lostHistoryGap(channel, previousId, entry.id);
    if (gap) this.#arrived[bucket].push(gap);
    this.#arrived[bucket].push(fromStreamEntry(channel, entry));
  }

  /** Delivers a bucket read's channel entries at once (one write per connection) and records their counts. */
  onReadEnd(bucket: number): void {
    const deliveries = this.#arrived[bucket];
    if (deliveries.length === 0) return;
    this.#arrived[bucket] = [];
    if (!this.#inbound) return;
    this.#inFlight.record(deliveries, this.#inbound.events(deliveries));
  }

  /**
   * Once the command connection is (back) up on one Redis: if the position counter has a new epoch,
   * the followed channels get their gap now and their feed goes on from the epoch's start, rather
   * than at their next event (which a publish awaiting its lost entry would hold `commandTimeoutMs`).
   */
  readonly noticeLostHistory = (): void => {
    if (this.#options.clustered || this.#channelOfKey.size === 0) return;
    this.position().then((position) => {
      const epoch = parseEventId(position)?.epoch;
      if (epoch === undefined) return;
      const reader = this.#options.readers[0];
      const gaps: BusDelivery[] = [];
      for (const [key, channel] of this.#channelOfKey) {
        const previousId = reader.positionOf(key);
        const gap = previousId === undefined ? undefined : lostHistoryGap(channel, previousId, formatEventId(epoch, 0));
        if (!gap) continue;
        reader.skipTo(key, gap.id);
        gaps.push(gap);
      }
      if (gaps.length > 0) this.#inbound?.events(gaps);
    }, this.#options.onError);
  };

  /** Where the positions of a bucket's events come from. */
  #positionOf(bucket: number): PositionSource {
    return { key: this.#options.keys.position(bucket), clocked: this.#options.clustered };
  }

  /** How many connections of this process the entry `id` was written to (0 if none follow it). */
  async #deliveredHere(key: string, id: string, deliveredCount: (id: string) => number): Promise<number> {
    const follow = this.#options.follows.get(key);
    if (!follow?.started) return 0;
    await this.#options.readers[follow.bucket].passed(key, id, this.#options.commandTimeoutMs);
    return deliveredCount(id);
  }

  /** Waits (at most `commandTimeoutMs`) until live delivery of `key` has passed `id`. */
  async #caughtUp(key: string, id: string): Promise<void> {
    const follow = this.#options.follows.get(key);
    if (!follow) return;
    await within(follow.whenStarted, this.#options.commandTimeoutMs);
    await this.#options.readers[follow.bucket].passed(key, id, this.#options.commandTimeoutMs);
  }
}
