import type { StreamFrame } from './streamFrame';
import { isAfter } from './streamPosition';

interface RecentFrame {
  channel: string;
  position: string;
  frame: StreamFrame;
}

/**
 * The last events of the hub's current stream, so that a subscription joining a little behind
 * (a page rendered a moment ago, with its render cursor) is caught up from here instead of
 * replacing the stream. Bounded: the oldest event goes when the limit is reached.
 */
export class RecentFrames {
  readonly #limit: number;
  #frames: RecentFrame[] = [];
  /** Every event of the stream after this position is kept ('' until the stream has one). */
  #floor = '';

  /** @param limit - events kept. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The position after which nothing is missing ('' while unknown). */
  get floor(): string {
    return this.#floor;
  }

  /** Starts over for a stream that brings every event after `floor`. */
  reset(floor: string): void {
    this.#frames = [];
    this.#floor = floor;
  }

  /** Keeps an event of the stream. */
  add(channel: string, position: string, frame: StreamFrame): void {
    if (!this.#floor) return;
    this.#frames.push({ channel, position, frame });
    if (this.#frames.length > this.#limit) this.#floor = (this.#frames.shift() as RecentFrame).position;
  }

  /** The kept events on `channels` after `position`, oldest first. */
  since(position: string, channels: ReadonlySet<string>): StreamFrame[] {
    return this.#frames
      .filter((recent) => channels.has(recent.channel) && isAfter(recent.position, position))
      .map((recent) => recent.frame);
  }
}
