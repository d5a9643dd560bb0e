import { KeepAlive, type KeepAliveTarget } from '../../../index';

/** A stream that records each keep-alive frame it is given, and tells when all have `count`. */
class Streams {
  readonly frames = new Map<KeepAliveTarget, Buffer[]>();
  #waiter: { count: number; resolve: () => void } | undefined;

  constructor(size: number) {
    for (let i = 0; i < size; i += 1) this.add();
  }

  add(write?: (self: KeepAliveTarget) => void): KeepAliveTarget {
    const target: KeepAliveTarget = {
      isOpen: true,
      write: (frame: Buffer) => {
        this.frames.get(target)!.push(frame);
        write?.(target);
        this.#check();
        return true;
      },
    };
    this.frames.set(target, []);
    return target;
  }

  /** Resolves once every stream has at least `count` frames. */
  allHave(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.#waiter = { count, resolve };
      this.#check();
    });
  }

  /** How many streams each distinct frame Buffer (one per slice) went to. */
  sliceSizes(): number[] {
    const perFrame = new Map<Buffer, number>();
    for (const frames of this.frames.values())
      for (const frame of frames) perFrame.set(frame, (perFrame.get(frame) ?? 0) + 1);
    return [...perFrame.values()];
  }

  #check(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    for (const frames of this.frames.values()) if (frames.length < waiter.count) return;
    this.#waiter = undefined;
    waiter.resolve();
  }
}

describe('KeepAlive spreads each round over its interval', () => {
  it('gives every stream one keep-alive per round, in slices of at most 128 streams', async () => {
    const keepAlive = new KeepAlive({ intervalMs: 200 });
    const streams = new Streams(1000);
    for (const target of streams.frames.keys()) keepAlive.add(target);
    try {
      await streams.allHave(1);
      const afterOne = [...streams.frames.values()].map((frames) => frames.length);
      const sizes = streams.sliceSizes();
      await streams.allHave(2);
      // All had their first before anyone had a third: one keep-alive per stream per round.
      expect(Math.max(...afterOne)).toBeLessThanOrEqual(2);
      expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(1000 / 128));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(128);
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBeGreaterThanOrEqual(1000);
    } finally {
      for (const target of streams.frames.keys()) keepAlive.delete(target);
    }
  });

  it('keeps going when a stream closes during its own keep-alive, and reaches streams added meanwhile', async () => {
    const keepAlive = new KeepAlive({ intervalMs: 100, as: 'comment' });
    const closing = new Streams(0);
    // It "closes" while it is being written to, as an evicted stream does.
    const first = closing.add((self) => keepAlive.delete(self));
    keepAlive.add(first);
    const streams = new Streams(300);
    for (const target of streams.frames.keys()) keepAlive.add(target);
    await streams.allHave(1);
    const late = streams.add();
    keepAlive.add(late);
    try {
      await streams.allHave(2);
      expect(closing.frames.get(first)).toHaveLength(1);
      expect(streams.frames.get(late)![0]!.toString()).toBe(': keep-alive\n\n');
    } finally {
      for (const target of streams.frames.keys()) keepAlive.delete(target);
    }
  });
});
