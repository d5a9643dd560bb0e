import { compareEventIds, formatEventId, parseEventId } from '../protocol/eventId';
import { OptionReader } from '../validation/optionReader';
import type { ReplayResult, StoredEvent } from './bus';
import type { BusPosition } from './busPosition';

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
 * One channel's recent events in a ring buffer. Their positions come from the bus's one
 * {@link BusPosition}, so they are increasing but not consecutive: the history remembers the
 * newest position it let go of, and answers "what came after this cursor?" exactly, or says the
 * cursor is outside the window.
 */
export class ChannelHistory {
  readonly #size: number;
  readonly #maxAgeMs: number;
  readonly #position: BusPosition;
  readonly #ring: (Entry | undefined)[];
  #start = 0;
  #count = 0;
  #sequence = 0;
  /** Sequence of the newest event no longer retained (0: none dropped). */
  #dropped = 0;

  /**
   * @param position - the owning bus's position (epoch and newest sequence).
   * @param options - size and age limits.
   */
  constructor(position: BusPosition, options: EventHistoryOptions = {}) {
    const { size, maxAgeMs } = resolveHistoryLimits('ChannelHistory', options);
    this.#size = size;
    this.#maxAgeMs = maxAgeMs;
    this.#position = position;
    this.#ring = new Array(size);
  }

  /** Position of this channel's newest event ever appended (retained or not). */
  latestId(): string | undefined {
    return this.#sequence === 0 ? undefined : formatEventId(this.#position.epoch, this.#sequence);
  }

  /** Appends an event at `sequence`, a position just taken from the bus's {@link BusPosition}. */
  append(event: StoredEvent, sequence: number, now = Date.now()): void {
    this.#sequence = sequence;
    if (this.#size === 0) {
      this.#dropped = sequence;
      return;
    }
    const entry: Entry = { event, sequence, at: now };
    if (this.#count < this.#size) {
      this.#ring[(this.#start + this.#count) % this.#size] = entry;
      this.#count += 1;
    } else {
      this.#dropped = this.#ring[this.#start]!.sequence;
      this.#ring[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#size;
    }
  }

  /** Every retained event after `lastEventId`, or a gap when the cursor is outside the window. */
  since(lastEventId: string, now = Date.now()): ReplayResult {
    this.#expire(now);
    const gap: ReplayResult = { kind: 'gap', latestId: this.latestId() };
    const cursor = parseEventId(lastEventId);
    const { epoch, sequence: newest } = this.#position;
    if (!cursor || cursor.epoch !== epoch || cursor.sequence > newest) return gap;
    // Every event after the cursor is still here only if nothing at or after it was let go of.
    if (compareEventIds(cursor, { epoch, sequence: this.#dropped }) < 0) return gap;
    let first = this.#count;
    while (first > 0 && this.#at(first - 1).sequence > cursor.sequence) first -= 1;
    const events: StoredEvent[] = [];
    for (let i = first; i < this.#count; i += 1) events.push(this.#at(i).event);
    return { kind: 'events', events };
  }

  #at(index: number): Entry {
    return this.#ring[(this.#start + index) % this.#size]!;
  }

  #expire(now: number): void {
    while (this.#count > 0 && now - this.#at(0).at > this.#maxAgeMs) {
      this.#dropped = this.#at(0).sequence;
      this.#ring[this.#start] = undefined;
      this.#start = (this.#start + 1) % this.#size;
      this.#count -= 1;
    }
  }
}
