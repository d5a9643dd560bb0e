/**
 * Every channel's history in one process, within three bounds: events and bytes per channel
 * (`ChannelHistory`), and a byte budget for all channels together. Only a publish creates a
 * channel's history: a stream or a cursor never does. A channel nobody has published to for
 * `idleTtlMs` and nobody listens to is dropped with everything kept for it.
 */
import { parseEventId } from '../protocol/eventId';
import { type Clock, systemClock } from '../time/clock';
import type { BusPosition } from './busPosition';
import { ChannelHistory, type HistoryLimits } from './eventHistory';
import type { ReplayResult, StoredEvent } from './eventLog';

/** What the history of a bus holds, for stats. */
export interface HistoryHeld {
  /** Channels with a history. */
  channels: number;
  /** Bytes of the frames retained, all channels together. */
  bytes: number;
}

/** The longest wait between two sweeps for idle channels. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

/** See the module comment. */
export class HistoryStore {
  readonly #position: BusPosition;
  readonly #limits: HistoryLimits;
  /** In order of last publish, least recent first (a publish moves its channel to the end). */
  readonly #histories = new Map<string, ChannelHistory>();
  /** Channels with an open stream in this process. */
  readonly #listened = new Set<string>();
  #bytes = 0;
  /**
   * The newest position held by a channel that was dropped whole: a cursor older than it cannot be
   * vouched for by a channel's new history, since the dropped events may have been after it.
   */
  #droppedUpTo = 0;
  readonly #clock: Clock;
  /** The timer of the next sweep for idle channels, while any channel has a history. */
  #sweeper: unknown;

  /**
   * @param position - the owning bus's position (every channel's events take theirs from it).
   * @param limits - checked limits (see `resolveHistoryLimits`).
   * @param clock - the time events are stamped with and ages and idleness are measured on.
   */
  constructor(position: BusPosition, limits: HistoryLimits, clock: Clock = systemClock) {
    this.#position = position;
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Channels and bytes held now. */
  held(): HistoryHeld {
    return { channels: this.#histories.size, bytes: this.#bytes };
  }

  /**
   * Stores `event` of `channel` at `sequence` (just taken from the bus position), and drops the
   * least recently published channels while the total is over budget. Returns true when the event,
   * keyed, superseded one history held.
   */
  append(channel: string, event: StoredEvent, sequence: number): boolean {
    let history = this.#histories.get(channel);
    if (history) this.#histories.delete(channel);
    else history = new ChannelHistory(this.#position, this.#limits, this.#droppedUpTo);
    this.#histories.set(channel, history);
    const before = history.bytes;
    const superseded = history.append(event, sequence, this.#clock.now());
    this.#bytes += history.bytes - before;
    this.#enforceBudget(channel);
    if (this.#sweeper === undefined) this.#sweepLater();
    return superseded;
  }

  /**
   * The retained events of `channel` after `lastEventId`, or a gap; creates nothing. A channel
   * without history missed nothing after a cursor of this bus that no dropped channel outdates.
   */
  since(channel: string, lastEventId: string): ReplayResult {
    const history = this.#histories.get(channel);
    if (!history) {
      const cursor = parseEventId(lastEventId);
      const { epoch, sequence } = this.#position;
      const known = cursor?.epoch === epoch && cursor.sequence <= sequence && cursor.sequence >= this.#droppedUpTo;
      return known ? { kind: 'events', events: [] } : { kind: 'gap', latestId: undefined };
    }
    const before = history.bytes;
    const result = history.since(lastEventId, this.#clock.now());
    this.#bytes += history.bytes - before;
    return result;
  }

  /** The newest `limit` retained events of `channel` with their times, oldest first; creates nothing. */
  newest(channel: string, limit: number): { event: StoredEvent; at: number }[] {
    const history = this.#histories.get(channel);
    if (!history) return [];
    const before = history.bytes;
    const entries = history.newest(limit, this.#clock.now());
    this.#bytes += history.bytes - before;
    return entries;
  }

  /** `channel` has open streams now: its history is kept while it has. */
  listen(channel: string): void {
    this.#listened.add(channel);
  }

  /** `channel` has no open stream any more. */
  unlisten(channel: string): void {
    this.#listened.delete(channel);
  }

  /** Stops the sweeper and lets every history go. */
  close(): void {
    this.#clock.clearTimeout(this.#sweeper);
    this.#sweeper = undefined;
    this.#histories.clear();
    this.#listened.clear();
    this.#bytes = 0;
  }

  #enforceBudget(keep: string): void {
    // Checked before iterating: a Map's iterator steps over the slots of deleted entries.
    if (this.#bytes <= this.#limits.totalBytes) return;
    for (const [channel, history] of this.#histories) {
      if (this.#bytes <= this.#limits.totalBytes || channel === keep) return;
      this.#drop(channel, history);
    }
  }

  #drop(channel: string, history: ChannelHistory): void {
    this.#histories.delete(channel);
    this.#bytes -= history.bytes;
    this.#droppedUpTo = Math.max(this.#droppedUpTo, history.sequence);
  }

  /** Sweeps for idle channels every half `idleTtlMs` (at most every minute) while any channel has a history. */
  #sweepLater(): void {
    const interval = Math.min(Math.max(Math.floor(this.#limits.idleTtlMs / 2), 1), MAX_SWEEP_INTERVAL_MS);
    this.#sweeper = this.#clock.setTimeout(this.#sweep, interval);
  }

  /** Drops every channel idle for `idleTtlMs` with no open stream. */
  readonly #sweep = (): void => {
    const now = this.#clock.now();
    for (const [channel, history] of this.#histories) {
      // Later channels were published to more recently still.
      if (now - history.appendedAt < this.#limits.idleTtlMs) break;
      if (!this.#listened.has(channel)) this.#drop(channel, history);
    }
    if (this.#histories.size === 0) this.#sweeper = undefined;
    else this.#sweepLater();
  };
}
