/**
 * Every channel's history in one process, within three bounds: events and bytes per channel
 * (`ChannelHistory`), and a byte budget for all channels together. Only a publish creates a
 * channel's history: a stream or a cursor never does. A channel nobody has published to for
 * `idleTtlMs` and nobody listens to is dropped with everything kept for it.
 */
import { parseEventId } from '../protocol/eventId';
import type { ReplayResult, StoredEvent } from './bus';
import { ChannelHistory, type HistoryLimits } from './eventHistory';

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
  readonly #epoch: number;
  readonly #limits: HistoryLimits;
  /** In order of last publish, least recent first (a publish moves its channel to the end). */
  readonly #histories = new Map<string, ChannelHistory>();
  /** Channels with an open stream in this process. */
  readonly #listened = new Set<string>();
  #bytes = 0;
  /** Ids issued so far, on all channels: a channel created again continues after them. */
  #issued = 0;
  /** Every event dropped with its channel had a sequence at or below this. */
  #droppedUpTo = 0;
  #sweeper: NodeJS.Timeout | undefined;

  /**
   * @param epoch - the epoch part of every id (the owning bus's start time).
   * @param limits - checked limits (see `resolveHistoryLimits`).
   */
  constructor(epoch: number, limits: HistoryLimits) {
    this.#epoch = epoch;
    this.#limits = limits;
  }

  /** Channels and bytes held now. */
  held(): HistoryHeld {
    return { channels: this.#histories.size, bytes: this.#bytes };
  }

  /**
   * Gives the next event of `channel` its id, stores the frame `encode` makes for that id, and
   * drops the least recently published channels while the total is over budget.
   */
  append(channel: string, encode: (id: string) => Buffer, now = Date.now()): StoredEvent {
    let history = this.#histories.get(channel);
    if (history) this.#histories.delete(channel);
    else history = new ChannelHistory(this.#epoch, this.#limits, this.#issued);
    this.#histories.set(channel, history);
    const id = history.nextId();
    const event: StoredEvent = { id, frame: encode(id) };
    const before = history.bytes;
    history.append(event, now);
    this.#issued += 1;
    this.#bytes += history.bytes - before;
    this.#enforceBudget(channel);
    this.#sweeper ??= this.#startSweeping();
    return event;
  }

  /**
   * The retained events of `channel` after `lastEventId`, or a gap; creates nothing. A channel
   * without history has nothing after a cursor this bus issued since it last dropped a channel.
   */
  since(channel: string, lastEventId: string, now = Date.now()): ReplayResult {
    const history = this.#histories.get(channel);
    if (!history) {
      const cursor = parseEventId(lastEventId);
      const nothingMissed =
        cursor?.epoch === this.#epoch && cursor.sequence >= this.#droppedUpTo && cursor.sequence <= this.#issued;
      return nothingMissed ? { kind: 'events', events: [] } : { kind: 'gap', latestId: undefined };
    }
    const before = history.bytes;
    const result = history.since(lastEventId, now);
    this.#bytes += history.bytes - before;
    return result;
  }

  /** `channel` has open streams now: its history is kept while it has. */
  listen(channel: string): void {
    this.#listened.add(channel);
  }

  /** `channel` has no open stream any more. */
  unlisten(channel: string): void {
    this.#listened.delete(channel);
  }

  /** Drops every channel idle for `idleTtlMs` with no open stream. */
  dropIdle(now = Date.now()): void {
    for (const [channel, history] of this.#histories) {
      // Later channels were published to more recently still.
      if (now - history.appendedAt < this.#limits.idleTtlMs) break;
      if (!this.#listened.has(channel)) this.#drop(channel, history);
    }
    if (this.#histories.size === 0) this.#stopSweeping();
  }

  /** Stops the sweeper and lets every history go. */
  close(): void {
    this.#stopSweeping();
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
    this.#droppedUpTo = this.#issued;
    this.#histories.delete(channel);
    this.#bytes -= history.bytes;
  }

  #startSweeping(): NodeJS.Timeout {
    const interval = Math.min(Math.max(Math.floor(this.#limits.idleTtlMs / 2), 1), MAX_SWEEP_INTERVAL_MS);
    const timer = setInterval(() => this.dropIdle(), interval);
    timer.unref();
    return timer;
  }

  #stopSweeping(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
