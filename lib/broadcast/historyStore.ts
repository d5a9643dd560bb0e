/**
 * Every channel's history in one process, within three bounds: events and bytes per channel
 * (`ChannelHistory`), and a byte budget for all channels together. Only a publish creates a
 * channel's history: a stream or a cursor never does. A channel nobody has published to for
 * `idleTtlMs` and nobody listens to is dropped with everything kept for it.
 */
import { parseEventId } from '../protocol/eventId';
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
  #sweeper: NodeJS.Timeout | undefined;

  /**
   * @param position - the owning bus's position (every channel's events take theirs from it).
   * @param limits - checked limits (see `resolveHistoryLimits`).
   */
  constructor(position: BusPosition, limits: HistoryLimits) {
    this.#position = position;
    this.#limits = limits;
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
  append(channel: string, event: StoredEvent, sequence: number, now = Date.now()): boolean {
    let history = this.#histories.get(channel);
    if (history) this.#histories.delete(channel);
    else history = new ChannelHistory(this.#position, this.#limits, this.#droppedUpTo);
    this.#histories.set(channel, history);
    const before = history.bytes;
    const superseded = history.append(event, sequence, now);
    this.#bytes += history.bytes - before;
    this.#enforceBudget(channel);
    this.#sweeper ??= this.#startSweeping();
    return superseded;
  }

  /**
   * The retained events of `channel` after `lastEventId`, or a gap; creates nothing. A channel
   * without history missed nothing after a cursor of this bus that no dropped channel outdates.
   */
  since(channel: string, lastEventId: string, now = Date.now()): ReplayResult {
    const history = this.#histories.get(channel);
    if (!history) {
      const cursor = parseEventId(lastEventId);
      const { epoch, sequence } = this.#position;
      const known = cursor?.epoch === epoch && cursor.sequence <= sequence && cursor.sequence >= this.#droppedUpTo;
      return known ? { kind: 'events', events: [] } : { kind: 'gap', latestId: undefined };
    }
    const before = history.bytes;
    const result = history.since(lastEventId, now);
    this.#bytes += history.bytes - before;
    return result;
  }

  /** The newest `limit` retained events of `channel` with their times, oldest first; creates nothing. */
  newest(channel: string, limit: number, now = Date.now()): { event: StoredEvent; at: number }[] {
    const history = this.#histories.get(channel);
    if (!history) return [];
    const before = history.bytes;
    const entries = history.newest(limit, now);
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
    this.#histories.delete(channel);
    this.#bytes -= history.bytes;
    this.#droppedUpTo = Math.max(this.#droppedUpTo, history.sequence);
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
