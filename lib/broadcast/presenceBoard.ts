/**
 * Who is on each channel, over every process: this process's members (counted once per id however
 * many of its streams), shared through the bus's {@link PresenceStore}, and the `sse:presence`
 * events its streams get, at most one per channel per interval, however many joins and leaves.
 */
import { PRESENCE_EVENT, type PresenceMember } from '../protocol/protocolEvents';
import { encodeEvent } from '../protocol/wireFormat';
import type { Clock } from '../time/clock';
import { OptionReader } from '../validation/optionReader';
import type { PresenceStore, ProcessMembers } from './presenceStore';
import { mergePresence, type PresenceSnapshot, presenceEventData, samePresence } from './presenceView';

/** How presence is shared and told (`createBroadcaster({ presence })`). */
export interface PresenceOptions {
  /**
   * The longest a change waits before its `sse:presence` event, and the shortest time between two
   * events of one channel, in ms (100 to 60000). Default 1000: 1,000 joins in a second are one event.
   */
  intervalMs?: number;
  /** Members listed per channel (events, `presence()`); past it they are only counted. 1 to 10000, default 100. */
  maxMembers?: number;
}

/** A stream as the board sees it. */
export interface PresenceTarget {
  readonly isOpen: boolean;
  /** Writes a frame that carries no id. */
  write(frame: Buffer): boolean;
}

/** How often, in intervals, every channel with local streams is read again (members of a process that died drop out). */
const SWEEP_INTERVALS = 5;
/** A process shares its members again after this long without a change (the store's entries expire). */
const RESHARE_MS = 10 * 60_000;

interface LocalMember {
  member: PresenceMember;
  /** This process's streams that hold it on the channel. */
  streams: number;
}

/** See the module comment. The board does nothing until a member joins here or another process tells of one. */
export class PresenceBoard<S extends PresenceTarget> {
  readonly #store: PresenceStore;
  readonly #streamsOf: (channel: string) => Iterable<S>;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxMembers: number;
  /** This process's members, per channel, in the order they joined. */
  readonly #local = new Map<string, Map<string, LocalMember>>();
  /** Which member each stream holds on each of its channels. */
  readonly #held = new Map<S, Map<string, string>>();
  /** When this process last shared each channel's members. */
  readonly #sharedAt = new Map<string, number>();
  readonly #toShare = new Set<string>();
  readonly #toRead = new Set<string>();
  /** Streams that have not had the current view of a channel yet. */
  readonly #newcomers = new Map<string, Set<S>>();
  /** The view last sent to each channel's streams here. */
  readonly #sent = new Map<string, PresenceSnapshot>();
  #active = false;
  #timer: unknown;
  #ticks = 0;
  #stopped = false;

  /**
   * @param options - the app's `presence` option, checked here.
   * @param store - the bus's presence store.
   * @param streamsOf - this process's open streams of a channel.
   * @param clock - where the interval is timed.
   * @throws TypeError naming a bad option.
   */
  constructor(options: unknown, store: PresenceStore, streamsOf: (channel: string) => Iterable<S>, clock: Clock) {
    const read = new OptionReader<PresenceOptions>('createBroadcaster: presence', options);
    this.#intervalMs = read.integer('intervalMs', 1000, { min: 100, max: 60_000 });
    this.#maxMembers = read.integer('maxMembers', 100, { min: 1, max: 10_000 });
    this.#store = store;
    this.#streamsOf = streamsOf;
    this.#clock = clock;
  }

  /** A stream opened on `channels`, holding `members` (by channel) on some of them. */
  opened(stream: S, channels: readonly string[], members: ReadonlyMap<string, PresenceMember>): void {
    for (const [channel, member] of members) this.#join(stream, channel, member);
    if (!this.#active) return;
    for (const channel of channels) {
      entryOf(this.#newcomers, channel, () => new Set<S>()).add(stream);
      this.#toRead.add(channel);
    }
    this.#schedule();
  }

  /** `stream` left `channel` (it closed, or stays open for its other channels). */
  left(stream: S, channel: string): void {
    this.#newcomers.get(channel)?.delete(stream);
    const held = this.#held.get(stream);
    const id = held?.get(channel);
    if (id === undefined) return;
    held!.delete(channel);
    if (held!.size === 0) this.#held.delete(stream);
    // After `stop` the members are withdrawn already.
    const members = this.#local.get(channel);
    const entry = members?.get(id);
    if (!members || !entry) return;
    entry.streams -= 1;
    if (entry.streams > 0) return;
    members.delete(id);
    if (members.size === 0) this.#local.delete(channel);
    this.#changed(channel);
  }

  /** `stream` closed: it leaves each of `channels`. */
  closed(stream: S, channels: readonly string[]): void {
    for (const channel of channels) this.left(stream, channel);
  }

  /** Another process changed who is on `channel`. */
  changedElsewhere(channel: string): void {
    this.#active = true;
    this.#toRead.add(channel);
    this.#schedule();
  }

  /** Who is on `channel` now, over every process (this process's members as of now). */
  async presence(channel: string): Promise<PresenceSnapshot> {
    return mergePresence(channel, [this.#mine(channel), ...(await this.#store.read(channel))], this.#maxMembers);
  }

  /** Stops the interval and withdraws this process's members (the broadcaster is closing). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const channels = [...this.#local.keys(), ...this.#toShare];
    this.#local.clear();
    this.#held.clear();
    await Promise.all(
      [...new Set(channels)].map((channel) => this.#store.share(channel, { members: [], count: 0 }).catch(() => {})),
    );
  }

  #join(stream: S, channel: string, member: PresenceMember): void {
    this.#active = true;
    entryOf(this.#held, stream, () => new Map<string, string>()).set(channel, member.id);
    const members = entryOf(this.#local, channel, () => new Map<string, LocalMember>());
    const entry = members.get(member.id);
    if (entry) {
      entry.streams += 1;
      return;
    }
    members.set(member.id, { member, streams: 1 });
    this.#changed(channel);
  }

  #changed(channel: string): void {
    this.#toShare.add(channel);
    this.#toRead.add(channel);
    this.#schedule();
  }

  /** This process's share of `channel`: its members up to the cap, and how many in all. */
  #mine(channel: string): ProcessMembers {
    const members = this.#local.get(channel);
    if (!members) return { members: [], count: 0 };
    const listed: PresenceMember[] = [];
    for (const { member } of members.values()) {
      if (listed.length === this.#maxMembers) break;
      listed.push(member);
    }
    return { members: listed, count: members.size };
  }

  /** Arms the next tick, one interval on: changes until then are one event. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => void this.#tick(), this.#intervalMs);
  }

  async #tick(): Promise<void> {
    this.#ticks += 1;
    if (this.#ticks % SWEEP_INTERVALS === 0) this.#sweep();
    const share = [...this.#toShare];
    const read = [...this.#toRead];
    this.#toShare.clear();
    this.#toRead.clear();
    await Promise.all(share.map((channel) => this.#share(channel)));
    await Promise.all(read.map((channel) => this.#tell(channel)));
    this.#timer = undefined;
    // Keeps sweeping while any channel here has presence; otherwise sleeps until the next change.
    if (this.#toShare.size > 0 || this.#toRead.size > 0 || this.#sent.size > 0 || this.#local.size > 0)
      this.#schedule();
  }

  /** Every channel with a view here is read again; members not shared for a while are shared again. */
  #sweep(): void {
    for (const channel of this.#sent.keys()) this.#toRead.add(channel);
    const stale = this.#clock.monotonic() - RESHARE_MS;
    for (const channel of this.#local.keys())
      if ((this.#sharedAt.get(channel) ?? 0) < stale) this.#toShare.add(channel);
  }

  async #share(channel: string): Promise<void> {
    try {
      await this.#store.share(channel, this.#mine(channel));
      this.#sharedAt.set(channel, this.#clock.monotonic());
    } catch {
      // Tried again next interval: the store may be back.
      this.#toShare.add(channel);
    }
  }

  /** Sends `channel`'s streams here its view when it changed, and to its newcomers the view as it is. */
  async #tell(channel: string): Promise<void> {
    let view: PresenceSnapshot;
    try {
      view = await this.presence(channel);
    } catch {
      this.#toRead.add(channel);
      return;
    }
    const streams = [...this.#streamsOf(channel)];
    const newcomers = this.#newcomers.get(channel);
    this.#newcomers.delete(channel);
    const before = this.#sent.get(channel);
    if (streams.length === 0 || (!before && view.count === 0)) {
      this.#sent.delete(channel);
      return;
    }
    const changed = !before || !samePresence(before, view);
    if (changed) {
      this.#sent.set(channel, view);
      const frame = encodePresence(view, before);
      for (const stream of streams) if (!newcomers?.has(stream)) stream.write(frame);
    }
    if (!newcomers) return;
    // A newcomer had no view before: everyone listed joined, for it.
    const frame = encodePresence(view, undefined);
    for (const stream of newcomers) if (stream.isOpen) stream.write(frame);
  }
}

/** The value of `key` in `map`, made and added first when there is none. */
function entryOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The `sse:presence` frame for `view` after `before`. */
function encodePresence(view: PresenceSnapshot, before: PresenceSnapshot | undefined): Buffer {
  return encodeEvent({ event: PRESENCE_EVENT, data: JSON.stringify(presenceEventData(view, before)) });
}
