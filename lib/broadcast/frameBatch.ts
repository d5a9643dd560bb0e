/**
 * Several event frames bound for the same connections, in order: what one read of a shared bus
 * delivers to a connection. They leave as one write, and the Buffer that joins them is built
 * once, the first time a connection needs it, for every connection that receives the same frames.
 */
import type { HeldFrame } from './frameQueue';

/** See the module comment. */
export class FrameBatch {
  /** The frames, in the order they are written, each with its position (for a stream that holds live frames). */
  readonly frames: readonly HeldFrame[];
  /** Bytes of all the frames together. */
  readonly byteLength: number;
  #joined: Buffer | undefined;

  /** @param frames - at least one frame, in the order they must reach the client. */
  constructor(frames: readonly HeldFrame[]) {
    if (frames.length === 0) throw new RangeError('a FrameBatch needs at least one frame, got none');
    this.frames = frames;
    let byteLength = 0;
    for (const { frame } of frames) byteLength += frame.length;
    this.byteLength = byteLength;
  }

  /** The frames as one Buffer, joined on first use and shared by every connection that writes the batch. */
  get joined(): Buffer {
    this.#joined ??=
      this.frames.length === 1
        ? this.frames[0]!.frame
        : Buffer.concat(
            this.frames.map(({ frame }) => frame),
            this.byteLength,
          );
    return this.#joined;
  }
}
