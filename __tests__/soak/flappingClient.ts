import type { EventSource } from 'eventsource';
import type { GapEventData } from '../../lib/protocol/protocolEvents';
import { openEventSource, whenOpen } from '../support/eventSourceClient';
import { within } from './within';

/** What a {@link FlappingClient} found. */
export interface FlappingFigures {
  /** Sessions opened (the first connection included). */
  sessions: number;
  /** Events received (replayed or live). */
  received: number;
  /** Acknowledged events it never received, with no gap event to say so. */
  lost: number;
  /** Events received twice or out of order. */
  misordered: number;
  /** `sse:gap` events received. */
  gaps: number;
  /** Those of them that `expectedGap` did not account for. */
  unexpectedGaps: number;
}

/** Whether a client whose newest sequence is `lastSequence` should have been sent `gap`. */
export type ExpectedGap = (gap: GapEventData, lastSequence: number | undefined) => boolean;

/** The data of soak event `sequence` on `channel`. */
export function soakData(channel: string, sequence: number): string {
  return `${channel}#${sequence}`;
}

/**
 * A client that keeps dropping its stream and coming back with `Last-Event-ID`, as a phone on a
 * bad network does. It checks every event as it arrives, keeping only counts (so the soak's own
 * bookkeeping does not grow): each event must come after the previous one, and every event
 * between them must be one whose publish was not acknowledged (`unacknowledged`), unless a gap
 * event said history could not cover it.
 */
export class FlappingClient {
  readonly figures: FlappingFigures = { sessions: 0, received: 0, lost: 0, misordered: 0, gaps: 0, unexpectedGaps: 0 };
  readonly #url: string;
  readonly #channel: string;
  readonly #unacknowledged: ReadonlySet<number>;
  readonly #expectedGap: ExpectedGap;
  #lastId: string | undefined;
  #lastSequence: number | undefined;
  #gapSinceLast = false;
  #source: EventSource | undefined;
  #waiters: { sequence: number; resolve: () => void }[] = [];

  /**
   * @param url - the stream URL of `channel`.
   * @param channel - the channel, for reading sequence numbers out of the data.
   * @param unacknowledged - sequences whose publish failed (kept up to date by the publisher).
   * @param expectedGap - whether a gap event is one the run accounts for (history rightly unreadable or gone).
   */
  constructor(url: string, channel: string, unacknowledged: ReadonlySet<number>, expectedGap: ExpectedGap) {
    this.#url = url;
    this.#channel = channel;
    this.#unacknowledged = unacknowledged;
    this.#expectedGap = expectedGap;
  }

  /** The newest sequence received, if any. */
  get lastSequence(): number | undefined {
    return this.#lastSequence;
  }

  /** Opens a session from the last id received; resolves once it is open (or failed to open within `ms`). */
  async open(ms: number): Promise<void> {
    this.close();
    this.figures.sessions += 1;
    const source = openEventSource(this.#url, this.#lastId === undefined ? {} : { 'Last-Event-ID': this.#lastId });
    this.#source = source;
    source.addEventListener('message', (event) => this.#onEvent(event.data, event.lastEventId));
    source.addEventListener('sse:gap', (event) => {
      this.figures.gaps += 1;
      if (!this.#expectedGap(JSON.parse(event.data) as GapEventData, this.#lastSequence))
        this.figures.unexpectedGaps += 1;
      this.#gapSinceLast = true;
    });
    await within(whenOpen(source), ms);
  }

  /** Resolves once `sequence` (or a later one) has arrived. */
  reached(sequence: number): Promise<void> {
    if ((this.#lastSequence ?? -1) >= sequence) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ sequence, resolve }));
  }

  /** Closes the current session. */
  close(): void {
    this.#source?.close();
    this.#source = undefined;
  }

  #onEvent(data: string, id: string): void {
    const sequence = Number(data.slice(this.#channel.length + 1));
    this.figures.received += 1;
    const last = this.#lastSequence;
    if (last !== undefined && sequence <= last) {
      this.figures.misordered += 1;
      return;
    }
    if (last !== undefined && !this.#gapSinceLast)
      for (let missing = last + 1; missing < sequence; missing += 1)
        if (!this.#unacknowledged.has(missing)) this.figures.lost += 1;
    this.#gapSinceLast = false;
    this.#lastSequence = sequence;
    this.#lastId = id;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.sequence > sequence) return true;
      waiter.resolve();
      return false;
    });
  }
}
