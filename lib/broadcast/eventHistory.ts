import { compareEventIds, formatEventId, parseEventId } from '../protocol/eventId';
import { OptionReader } from '../validation/optionReader';
import type { BusPosition } from './busPosition';
import type { ReplayResult, StoredEvent } from './eventLog';

/** Limits of history: per channel, for the whole bus, and how long an idle channel is kept. */
export interface EventHistoryOptions {
  /** Events kept per channel (oldest dropped first). Default 1000; 0 keeps none. */
  size?: number;
  /** Events older than this many milliseconds are dropped. Default: no age limit. */
  maxAgeMs?: number;
  /** Bytes of encoded frames kept per channel (oldest dropped first). Default 4 MiB. In-memory bus only. */
  maxBytes?: number;
  /**
   * Bytes of encoded frames kept for all channels together; beyond it the channels published to
   * least recently are dropped whole. Default 64 MiB; at least `maxBytes`. In-memory bus only.
   */
  totalBytes?: number;
  /**
   * A channel with no publish for this long (and, in memory, no open stream) loses its history.
   * On Redis it is the TTL of the channel's stream key, refreshed on every publish. Default 15 min.
   */
  idleTtlMs?: number;
}

/** {@link EventHistoryOptions} checked, with the defaults applied. */
export interface HistoryLimits {
  size: number;
  maxAgeMs: number;
  maxBytes: number;
  totalBytes: number;
  idleTtlMs: number;
}

/** Default of {@link EventHistoryOptions.maxBytes}: 4 MiB. */
export const DEFAULT_HISTORY_MAX_BYTES = 4 * 1024 * 1024;
/** Default of {@link EventHistoryOptions.totalBytes}: 64 MiB. */
export const DEFAULT_HISTORY_TOTAL_BYTES = 64 * 1024 * 1024;
/** Default of {@link EventHistoryOptions.idleTtlMs}: 15 minutes. */
export const DEFAULT_HISTORY_IDLE_TTL_MS = 15 * 60 * 1000;

/** Limits that {@link resolveHistoryLimits} made: handed on inward, they are not checked again. */
const resolved = new WeakSet<HistoryLimits>();

/**
 * Checks history options for `owner` (a `TypeError` names the bad one) and applies the defaults.
 * Limits it made itself (handed on by an outer boundary, such as `createBroadcaster` to its
 * `MemoryBus`) come back as they are: each option is checked once, where the app gave it.
 */
export function resolveHistoryLimits(
  owner: string,
  options: EventHistoryOptions | undefined,
  minSize = 0,
): HistoryLimits {
  if (options !== undefined && resolved.has(options as HistoryLimits)) return options as HistoryLimits;
  const read = new OptionReader<EventHistoryOptions>(`${owner} history`, options);
  const unlimited = read.raw('maxAgeMs') === Number.POSITIVE_INFINITY;
  const maxBytes = read.integer('maxBytes', DEFAULT_HISTORY_MAX_BYTES, { min: 1 });
  const limits: HistoryLimits = Object.freeze({
    size: read.integer('size', 1000, { min: minSize }),
    maxAgeMs: unlimited ? Number.POSITIVE_INFINITY : read.number('maxAgeMs', Number.POSITIVE_INFINITY, { min: 1 }),
    maxBytes,
    totalBytes: read.integer('totalBytes', Math.max(DEFAULT_HISTORY_TOTAL_BYTES, maxBytes), { min: maxBytes }),
    idleTtlMs: read.integer('idleTtlMs', DEFAULT_HISTORY_IDLE_TTL_MS, { min: 1 }),
  });
  resolved.add(limits);
  return limits;
}

/** A retained event, linked to its neighbours in position order. */
interface Entry {
  event: StoredEvent;
  sequence: number;
  at: number;
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * The event with a frame that owns its memory. Node cuts small Buffers out of shared 8 KiB pool
 * blocks, and one kept slice keeps its whole block alive: a history of small frames taken among
 * short-lived allocations would hold many times the bytes its bounds count.
 */
function ownsItsMemory(event: StoredEvent): StoredEvent {
  const { frame } = event;
  if (frame.byteOffset === 0 && frame.buffer.byteLength === frame.length) return event;
  const own = Buffer.allocUnsafeSlow(frame.length);
  frame.copy(own);
  return { ...event, frame: own };
}

/**
 * One channel's recent events, oldest first, bounded by count, age and bytes. Their positions
 * come from the bus's one {@link BusPosition}, so they are increasing but not consecutive: the
 * history remembers the newest position it let go of, and answers "what came after this cursor?"
 * exactly, or says the cursor is outside the window.
 *
 * A keyed event (`StoredEvent.key`) supersedes the one retained for its key, which leaves the
 * history at once. That is not a loss, so it does not move the position let go of: a cursor before
 * the superseded event still resumes, and gets the newer event of its key instead. The events are
 * a list linked both ways, so one can leave from the middle.
 */
export class ChannelHistory {
  readonly #size: number;
  readonly #maxAgeMs: number;
  readonly #maxBytes: number;
  readonly #position: BusPosition;
  /** The retained event of each key. */
  readonly #byKey = new Map<string, Entry>();
  #oldest: Entry | undefined;
  #newest: Entry | undefined;
  #count = 0;
  #sequence = 0;
  /** Sequence of the newest event no longer retained for a reason other than a newer event of its key (0: none). */
  #dropped: number;
  #bytes = 0;
  #appendedAt = 0;

  /**
   * @param position - the owning bus's position (epoch and newest sequence).
   * @param limits - size, age and byte limits, checked by the bus ({@link resolveHistoryLimits}).
   * @param droppedUpTo - positions up to this sequence are treated as let go of: a channel created
   *   again after its history was dropped cannot vouch for the events it held before.
   */
  constructor(position: BusPosition, limits: HistoryLimits, droppedUpTo = 0) {
    const { size, maxAgeMs, maxBytes } = limits;
    this.#size = size;
    this.#maxAgeMs = maxAgeMs;
    this.#maxBytes = maxBytes;
    this.#position = position;
    this.#dropped = droppedUpTo;
  }

  /** Bytes of the frames retained. */
  get bytes(): number {
    return this.#bytes;
  }

  /** When the last event was appended (ms since epoch; 0 before the first). */
  get appendedAt(): number {
    return this.#appendedAt;
  }

  /** Sequence of this channel's newest event ever appended (0 before the first). */
  get sequence(): number {
    return this.#sequence;
  }

  /** Position of this channel's newest event ever appended (retained or not). */
  latestId(): string | undefined {
    return this.#sequence === 0 ? undefined : formatEventId(this.#position.epoch, this.#sequence);
  }

  /**
   * Appends an event at `sequence`, a position just taken from the bus's {@link BusPosition}.
   * Returns true when it superseded a retained event of its key.
   */
  append(stored: StoredEvent, sequence: number, now = Date.now()): boolean {
    const event = ownsItsMemory(stored);
    this.#sequence = sequence;
    this.#appendedAt = now;
    const superseded = event.key === undefined ? undefined : this.#byKey.get(event.key);
    if (superseded) this.#unlink(superseded);
    if (this.#size === 0) {
      this.#dropped = sequence;
      return superseded !== undefined;
    }
    if (this.#count === this.#size) this.#dropOldest();
    const entry: Entry = { event, sequence, at: now, older: this.#newest, newer: undefined };
    if (this.#newest) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
    this.#count += 1;
    this.#bytes += event.frame.length;
    if (event.key !== undefined) this.#byKey.set(event.key, entry);
    while (this.#bytes > this.#maxBytes) this.#dropOldest();
    return superseded !== undefined;
  }

  /** Every retained event after `lastEventId`, or a gap when the cursor is outside the window. */
  since(lastEventId: string, now = Date.now()): ReplayResult {
    this.#expire(now);
    const gap: ReplayResult = { kind: 'gap', latestId: this.latestId() };
    const cursor = parseEventId(lastEventId);
    const { epoch, sequence: newest } = this.#position;
    if (!cursor || cursor.epoch !== epoch || cursor.sequence > newest) return gap;
    // Every event after the cursor is still here (or superseded by one that is) only if nothing at
    // or after it was let go of.
    if (compareEventIds(cursor, { epoch, sequence: this.#dropped }) < 0) return gap;
    const events: StoredEvent[] = [];
    for (let entry = this.#newest; entry && entry.sequence > cursor.sequence; entry = entry.older)
      events.push(entry.event);
    return { kind: 'events', events: events.reverse() };
  }

  /** The newest `limit` retained events with the time each was appended, oldest first. */
  newest(limit: number, now = Date.now()): { event: StoredEvent; at: number }[] {
    this.#expire(now);
    const entries: { event: StoredEvent; at: number }[] = [];
    for (let entry = this.#newest; entry && entries.length < limit; entry = entry.older)
      entries.push({ event: entry.event, at: entry.at });
    return entries.reverse();
  }

  #expire(now: number): void {
    while (this.#oldest && now - this.#oldest.at > this.#maxAgeMs) this.#dropOldest();
  }

  /** Lets the oldest event go: a cursor before it can no longer be vouched for. */
  #dropOldest(): void {
    const oldest = this.#oldest!;
    this.#dropped = oldest.sequence;
    this.#unlink(oldest);
  }

  #unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    const { key } = entry.event;
    if (key !== undefined && this.#byKey.get(key) === entry) this.#byKey.delete(key);
    this.#count -= 1;
    this.#bytes -= entry.event.frame.length;
  }
}
