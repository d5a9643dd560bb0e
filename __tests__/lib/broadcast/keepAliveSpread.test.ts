import { KeepAlive, type KeepAliveTarget } from '../../../lib/broadcast/keepAlive';
import { ManualClock } from '../../support/manualClock';

/** One keep-alive a stream was given: the frame, and the clock's monotonic time it came at. */
interface Received {
  frame: Buffer;
  at: number;
}

/** Streams that record each keep-alive frame they are given, with the time on `clock`. */
class Streams {
  readonly received = new Map<KeepAliveTarget, Received[]>();
  readonly #clock: ManualClock;

  constructor(clock: ManualClock, size: number) {
    this.#clock = clock;
    for (let i = 0; i < size; i += 1) this.add();
  }

  add(write?: (self: KeepAliveTarget) => void): KeepAliveTarget {
    // Never written to otherwise: every round writes its keep-alive at once.
    const target: KeepAliveTarget = {
      isOpen: true,
      lastActivityAt: Number.NEGATIVE_INFINITY,
      keepAlive: (frame: Buffer) => {
        this.received.get(target)!.push({ frame, at: this.#clock.monotonic() });
        write?.(target);
      },
    };
    this.received.set(target, []);
    return target;
  }

  /** How many keep-alives each stream has had, in the order the streams were added. */
  counts(): number[] {
    return [...this.received.values()].map((frames) => frames.length);
  }

  /** How many streams each distinct frame Buffer (one per slice) went to. */
  sliceSizes(): number[] {
    const perFrame = new Map<Buffer, number>();
    for (const frames of this.received.values())
      for (const { frame } of frames) perFrame.set(frame, (perFrame.get(frame) ?? 0) + 1);
    return [...perFrame.values()];
  }
}

describe('KeepAlive spreads each round over its interval', () => {
  it('gives every stream one keep-alive per round, in slices of at most 128 streams spread over the interval', () => {
    const clock = new ManualClock();
    const keepAlive = new KeepAlive({ intervalMs: 200 }, clock);
    const streams = new Streams(clock, 1000);
    for (const target of streams.received.keys()) keepAlive.add(target);

    // Nothing for one interval after the first stream; then the round runs in slices over the next.
    clock.advance(200);
    expect(streams.counts().filter((count) => count > 0)).toEqual([]);
    clock.advance(100);
    const halfway = streams.counts().filter((count) => count > 0).length;
    expect(halfway).toBeGreaterThan(0);
    expect(halfway).toBeLessThan(1000);
    clock.advance(100);
    expect(new Set(streams.counts())).toEqual(new Set([1]));
    const sizes = streams.sliceSizes();
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(1000 / 128));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(128);

    // Later rounds: no stream gets a second before every stream had its first, and so on.
    const spreads: number[] = [];
    for (let time = 400; time < 2000; time += 10) {
      clock.advance(10);
      const counts = streams.counts();
      spreads.push(Math.max(...counts) - Math.min(...counts));
    }
    expect(Math.max(...spreads)).toBe(1);
    expect(Math.min(...streams.counts())).toBeGreaterThanOrEqual(7);
    // Each stream's keep-alives come about one interval apart.
    const gaps = [...streams.received.values()].flatMap((frames) =>
      frames.slice(1).map((frame, n) => frame.at - frames[n]!.at),
    );
    expect(Math.min(...gaps)).toBeGreaterThan(100);
    expect(Math.max(...gaps)).toBeLessThan(300);

    for (const target of streams.received.keys()) keepAlive.delete(target);
    expect(clock.pending).toBe(0);
  });

  it('keeps going when a stream closes during its own keep-alive, and reaches streams added meanwhile', () => {
    const clock = new ManualClock();
    const keepAlive = new KeepAlive({ intervalMs: 100, as: 'comment' }, clock);
    const closing = new Streams(clock, 0);
    // It "closes" while it is being written to, as an evicted stream does.
    const first = closing.add((self) => keepAlive.delete(self));
    keepAlive.add(first);
    const streams = new Streams(clock, 300);
    for (const target of streams.received.keys()) keepAlive.add(target);
    clock.advance(200);
    expect(new Set(streams.counts())).toEqual(new Set([1]));

    const late = streams.add();
    keepAlive.add(late);
    // A stream that joins gets its first keep-alive within two intervals.
    clock.advance(200);
    expect(closing.counts()).toEqual([1]);
    expect(Math.min(...streams.counts())).toBeGreaterThanOrEqual(2);
    expect(streams.received.get(late)![0]!.frame.toString()).toBe(': keep-alive\n\n');
    for (const target of streams.received.keys()) keepAlive.delete(target);
    expect(clock.pending).toBe(0);
  });

  it("sends the named heartbeat event by default, with the clock's wall time as its data", () => {
    const clock = new ManualClock(Date.UTC(2030, 5, 1));
    const keepAlive = new KeepAlive({ intervalMs: 1000 }, clock);
    const streams = new Streams(clock, 1);
    const [target] = streams.received.keys();
    keepAlive.add(target!);
    clock.advance(2000);
    const [{ frame, at }] = streams.received.get(target!)!;
    expect(frame.toString()).toBe(`event: sse:heartbeat\ndata: ${Date.UTC(2030, 5, 1) + Math.floor(at)}\n\n`);
    keepAlive.delete(target!);
  });

  it('sets no timer with intervalMs 0, and stops its timer with the last stream', () => {
    const clock = new ManualClock();
    const off = new KeepAlive({ intervalMs: 0 }, clock);
    const streams = new Streams(clock, 2);
    const [one, two] = streams.received.keys();
    off.add(one!);
    expect(clock.pending).toBe(0);

    const keepAlive = new KeepAlive({ intervalMs: 50 }, clock);
    keepAlive.add(one!);
    keepAlive.add(two!);
    expect(clock.pending).toBe(1);
    keepAlive.delete(one!);
    expect(clock.pending).toBe(1);
    keepAlive.delete(two!);
    expect(clock.pending).toBe(0);
    clock.advance(1000);
    expect(streams.counts()).toEqual([0, 0]);
  });
});
