/**
 * The frames an `EventStreamWriter` holds for one client instead of handing them to Node: live
 * frames held behind a replay, the replay itself, and the frames of a client that fell behind. A
 * keyed frame supersedes the queued frame of the same key and channel, which is then never
 * written: the client gets the latest value of each key among what waited, and every unkeyed
 * frame, in order (the rule history follows, see `EventLog`'s "Keys").
 */

/** A frame to write, with its position, channel and key when it is an event's. */
export interface HeldFrame {
  frame: Buffer;
  /** The event's position (the `id` after `<channel>/`). */
  id?: string;
  channel?: string;
  /** The key of a latest-value event. */
  key?: string;
}

/** A frame in the queue: replayed from history, or live (its bytes count against the client's cap). */
export interface QueuedFrame extends HeldFrame {
  live: boolean;
}

interface Slot {
  frame: QueuedFrame;
  superseded: boolean;
}

/** Superseded slots are dropped from the array once they are this many and half of it. */
const COMPACT_FROM = 64;

/** See the module comment. */
export class FrameQueue {
  #slots: (Slot | undefined)[] = [];
  /** Index of the next slot to take. */
  #next = 0;
  /** The newest queued slot of each keyed `<channel>\n<key>` (keys hold no LF). */
  readonly #byKey = new Map<string, Slot>();
  #superseded = 0;
  #liveBytes = 0;

  /** @param frames - the frames to start with, in the order they are to be written. */
  constructor(frames: readonly QueuedFrame[] = []) {
    for (const frame of frames) this.push(frame);
  }

  /** Bytes of the live frames still queued (superseded ones no longer count). */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  /** Queues `frame` last; a keyed frame supersedes the queued frame of its key and channel. */
  push(frame: QueuedFrame): void {
    const slot: Slot = { frame, superseded: false };
    if (frame.live) this.#liveBytes += frame.frame.length;
    if (frame.key !== undefined) {
      const name = `${frame.channel ?? ''}\n${frame.key}`;
      const older = this.#byKey.get(name);
      if (older) this.#supersede(older);
      this.#byKey.set(name, slot);
    }
    this.#slots.push(slot);
  }

  /** Takes the next frame to write, or undefined when none is left. */
  shift(): QueuedFrame | undefined {
    while (this.#next < this.#slots.length) {
      const slot = this.#slots[this.#next]!;
      this.#slots[this.#next] = undefined;
      this.#next += 1;
      if (slot.superseded) {
        this.#superseded -= 1;
        continue;
      }
      const { frame } = slot;
      if (frame.live) this.#liveBytes -= frame.frame.length;
      if (frame.key !== undefined) {
        const name = `${frame.channel ?? ''}\n${frame.key}`;
        if (this.#byKey.get(name) === slot) this.#byKey.delete(name);
      }
      return frame;
    }
    return undefined;
  }

  /** The frames still queued, in order, without taking them. */
  frames(): QueuedFrame[] {
    const frames: QueuedFrame[] = [];
    for (let index = this.#next; index < this.#slots.length; index += 1) {
      const slot = this.#slots[index]!;
      if (!slot.superseded) frames.push(slot.frame);
    }
    return frames;
  }

  #supersede(slot: Slot): void {
    slot.superseded = true;
    if (slot.frame.live) this.#liveBytes -= slot.frame.frame.length;
    this.#superseded += 1;
    // A client that never reads must not grow the array with frames it will never get.
    if (this.#superseded < COMPACT_FROM || this.#superseded * 2 < this.#slots.length - this.#next) return;
    this.#slots = this.#slots.slice(this.#next).filter((kept) => kept !== undefined && !kept.superseded);
    this.#next = 0;
    this.#superseded = 0;
  }
}
