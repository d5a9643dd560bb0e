import type { Clock } from '../time/clock';

/**
 * Members visited per slice of a round. A slice blocks the event loop for about this many small
 * visits (a socket write, a check started), so a live event published meanwhile waits a fraction
 * of a millisecond rather than behind one visit per member.
 */
const MEMBERS_PER_SLICE = 128;
/** Slices are at least this far apart, so a round never turns into a busy loop of timers. */
const MIN_SLICE_MS = 2;
/** A round has at least this many slices, so it adapts to members that join while it runs. */
const MIN_SLICES_PER_ROUND = 16;

/**
 * Starts one slice: returns the visit of each member in it (so what a slice shares, such as one
 * encoded frame, is made once per slice).
 */
export type SliceVisitor<T> = () => (member: T) => void;

/**
 * Visits every member of a set once per interval, each round spread over its interval in slices
 * of about `MEMBERS_PER_SLICE` members, so 100,000 members cost a hundred-odd small visits every
 * few ms instead of 100,000 in one tick (keep-alives, access re-checks).
 * A round walks the set with one live iterator (members added meanwhile are reached in the same
 * round, removed ones are skipped), so it costs nothing per member beyond the set entry.
 * The first round starts one interval after the first member, so a member that joins then is
 * visited within two intervals, and once every interval after that.
 * One timer (the clock's, unref'd), started with the first member and stopped with the last.
 * Slices are spaced on the clock's monotonic time and kept on schedule, so late timers do not add up.
 */
export class SpreadRounds<T> {
  readonly #members = new Set<T>();
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #startSlice: SliceVisitor<T>;
  #timer: unknown;
  #round: Iterator<T> | undefined;
  #roundEndsAt = 0;
  #nextSliceAt = 0;
  #visited = 0;

  /**
   * @param intervalMs - one round per interval (at least 1).
   * @param clock - where the slices are timed.
   * @param startSlice - called at each slice; visits its members.
   */
  constructor(intervalMs: number, clock: Clock, startSlice: SliceVisitor<T>) {
    this.#intervalMs = intervalMs;
    this.#clock = clock;
    this.#startSlice = startSlice;
  }

  /** Members now. */
  get size(): number {
    return this.#members.size;
  }

  /** Visits `member` from the next slice of the current round on. */
  add(member: T): void {
    this.#members.add(member);
    // As with one timer for all: nothing until one interval after the first member.
    if (this.#timer === undefined) this.#startRound(this.#clock.monotonic() + this.#intervalMs);
  }

  /** Stops visiting `member`. */
  delete(member: T): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#timer !== undefined) this.stop();
  }

  /** Stops the rounds (they start again with the next member added). */
  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#round = undefined;
  }

  /** Time between slices for the members now. */
  #sliceMs(): number {
    const even = (this.#intervalMs * MEMBERS_PER_SLICE) / Math.max(1, this.#members.size);
    return Math.max(Math.min(even, this.#intervalMs / MIN_SLICES_PER_ROUND), Math.min(MIN_SLICE_MS, this.#intervalMs));
  }

  /** Starts a round at `startAt` (monotonic ms); it ends one interval later. */
  #startRound(startAt: number): void {
    this.#round = this.#members.values();
    this.#visited = 0;
    this.#roundEndsAt = startAt + this.#intervalMs;
    this.#nextSliceAt = startAt;
    this.#scheduleNext(this.#sliceMs());
  }

  /** Arms the timer for the slice due `sliceMs` after the last one (at once if that is past). */
  #scheduleNext(sliceMs: number): void {
    this.#nextSliceAt += sliceMs;
    this.#timer = this.#clock.setTimeout(this.#slice, Math.max(0, this.#nextSliceAt - this.#clock.monotonic()));
  }

  readonly #slice = (): void => {
    const round = this.#round;
    if (!round) return;
    const sliceMs = this.#sliceMs();
    const size = this.#members.size;
    // Share what is left of the round evenly among the slices left, never fewer than the even
    // share (members that left after their visit make `size - visited` too low) and never more
    // than a slice's worth: a busy process catches up in slices rather than in one burst.
    const evenShare = Math.ceil((size * sliceMs) / this.#intervalMs);
    const slicesLeft = Math.max(1, 1 + Math.floor((this.#roundEndsAt - this.#clock.monotonic()) / sliceMs));
    const quota = Math.min(
      Math.max(Math.ceil((size - this.#visited) / slicesLeft), evenShare),
      Math.max(MEMBERS_PER_SLICE, evenShare),
    );
    const visit = this.#startSlice();
    let finished = false;
    for (let visited = 0; visited < quota; visited += 1) {
      const next = round.next();
      if (next.done) {
        finished = true;
        break;
      }
      this.#visited += 1;
      // A visit may remove the member (a write that closes the stream): the iterator allows it.
      visit(next.value);
    }
    if (this.#round !== round) return;
    // The next round starts when this one's interval is over, so no member gets two in one
    // interval; from that instant, not from this slice's (which found the round over, a slice
    // later), so rounds stay one interval apart. After a stall of the process they start from
    // now instead, rather than catching up on a backlog of slices.
    if (finished) this.#startRound(Math.max(this.#roundEndsAt, this.#clock.monotonic() - sliceMs));
    else this.#scheduleNext(sliceMs);
  };
}
