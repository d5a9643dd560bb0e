import { compareEventIds, formatEventId, parseEventId } from '../protocol/eventId';
import { OptionReader } from '../validation/optionReader';
import type { ReplayResult, StoredEvent } from './bus';

/** Limits of one channel's history. */
export interface EventHistoryOptions {
  /** Events kept per channel (oldest dropped first). Default 1000; 0 keeps none. */
  size?: number;
  /** Events older than this many milliseconds are dropped. Default: no age limit. */
  maxAgeMs?: number;
}

/** {@link EventHistoryOptions} checked, with the defaults applied. */
export interface HistoryLimits {
  size: number;
  maxAgeMs: number;
}

/** Checks history options for `owner` (a `TypeError` names the bad one) and applies the defaults. */
export function resolveHistoryLimits(
  owner: string,
  options: EventHistoryOptions | undefined,
  minSize = 0,
): HistoryLimits {
  const read = new OptionReader<EventHistoryOptions>(`${owner} history`, options);
  const unlimited = read.raw('maxAgeMs') === Number.POSITIVE_INFINITY;
  return {
    size: read.integer('size', 1000, { min: minSize }),
    maxAgeMs: unlimited ? Number.POSITIVE_INFINITY : read.number('maxAgeMs', Number.POSITIVE_INFINITY, { min: 1 }),
  };
}

interface Entry {
  event: StoredEvent;
  sequence: number;
  at: number;
}

/**
 * One channel's recent events in a ring buffer, with monotonic ids `<epoch>-<n>`. Answers
 * "what came after this cursor?" exactly, or says the cursor is outside the window.
 */
export class ChannelHistory {
  readonly #size: number;
  readonly #maxAgeMs: number;
  readonly #epoch: number;
  readonly #ring: (Entry | undefined)[];
  #start = 0;
  #count = 0;
  #sequence = 0;

  /**
   * @param epoch - the epoch part of every id (the owning bus's start time).
   * @param options - size and age limits.
   */
  constructor(epoch: number, options: EventHistoryOptions = {}) {
    const { size, maxAgeMs } = resolveHistoryLimits('ChannelHistory', options);
    this.#size = size;
    this.#maxAgeMs = maxAgeMs;
    this.#epoch = epoch;
    this.#ring = new Array(size);
  }

  /** The id the next event will get. */
  nextId(): string {
    return formatEventId(this.#epoch, this.#sequence + 1);
  }

  /** Id of the newest event ever appended (retained or not). */
  latestId(): string | undefined {
    return this.#sequence === 0 ? undefined : formatEventId(this.#epoch, this.#sequence);
  }

  /** Appends an event whose id was taken from {@link nextId}. */
  append(event: StoredEvent, now = Date.now()): void {
    this.#sequence += 1;
    if (this.#size === 0) return;
    const entry: Entry = { event, sequence: this.#sequence, at: now };
    if (this.#count < this.#size) {
      this.#ring[(this.#start + this.#count) % this.#size] = entry;
      this.#count += 1;
    } else {
      this.#ring[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#size;
    }
  }

  /** Every retained event after `lastEventId`, or a gap when the cursor is outside the window. */
  since(lastEventId: string, now = Date.now()): ReplayResult {
    this.#expire(now);
    const gap: ReplayResult = { kind: 'gap', latestId: this.latestId() };
    const cursor = parseEventId(lastEventId);
    if (!cursor || cursor.epoch !== this.#epoch || cursor.sequence > this.#sequence) return gap;
    if (cursor.sequence === this.#sequence) return { kind: 'events', events: [] };
    const oldest = this.#count === 0 ? this.#sequence + 1 : this.#at(0).sequence;
    // The cursor must be the event just before the oldest retained one, or newer.
    if (compareEventIds(cursor, { epoch: this.#epoch, sequence: oldest - 1 }) < 0) return gap;
    const events: StoredEvent[] = [];
    for (let i = cursor.sequence - oldest + 1; i < this.#count; i += 1) events.push(this.#at(i).event);
    return { kind: 'events', events };
  }

  /** The newest `limit` retained events with the time each was appended, oldest first. */
  newest(limit: number, now = Date.now()): { event: StoredEvent; at: number }[] {
    this.#expire(now);
    const entries: { event: StoredEvent; at: number }[] = [];
    for (let i = Math.max(0, this.#count - limit); i < this.#count; i += 1) entries.push(this.#at(i));
    return entries;
  }

  #at(index: number): Entry {
    return this.#ring[(this.#start + index) % this.#size]!;
  }

  #expire(now: number): void {
    while (this.#count > 0 && now - this.#at(0).at > this.#maxAgeMs) {
      this.#ring[this.#start] = undefined;
      this.#start = (this.#start + 1) % this.#size;
      this.#count -= 1;
    }
  }
}
