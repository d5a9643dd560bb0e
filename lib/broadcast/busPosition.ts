import { formatEventId } from '../protocol/eventId';

/**
 * The in-memory bus's position: one sequence for every channel, so a single position says where a
 * stream is on all of its channels at once (see `eventId.ts`). Its epoch is the bus's start time,
 * which makes a position from before a restart recognisably foreign.
 */
export class BusPosition {
  /** The epoch part of every position. */
  readonly epoch: number;
  #sequence = 0;

  /** @param epoch - the epoch part of every position (default: now). */
  constructor(epoch = Date.now()) {
    this.epoch = epoch;
  }

  /** The sequence of the newest event (0 before the first). */
  get sequence(): number {
    return this.#sequence;
  }

  /** The newest position, as sent to clients: the cursor a stream opens with. */
  current(): string {
    return formatEventId(this.epoch, this.#sequence);
  }

  /** Moves to the next position and returns its sequence. */
  advance(): number {
    this.#sequence += 1;
    return this.#sequence;
  }
}
