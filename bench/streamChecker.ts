/**
 * The load generator's view of one event stream: a spec-following SSE parser (CR, LF and CRLF
 * line ends, multi-line `data`, comments, `id`, `event`) plus a checker that every numbered event
 * arrived exactly once and in order. Servers name their events differently (`7`, or ours
 * `<channel>/<position>`), so the sequence number is the position's sequence, else the id as a number.
 */
import { cursorPosition } from '../lib/protocol/eventId';

/** One dispatched event that carried an `id` field in its own frame. */
export interface NumberedEvent {
  sequence: number;
  /** The `data` lines joined with `\n`, as `EventSource` would give them. */
  data: string;
}

/** What one stream delivered, against what it should have. */
export interface StreamReport {
  /** Numbered events received (including duplicates). */
  events: number;
  /** Comments and events without an id of their own (keep-alives, heartbeats). */
  keepAlives: number;
  /** Sequence numbers that never arrived (see {@link StreamChecker.finish}). */
  missing: number;
  /** Events whose sequence was not above the last one seen (repeated or out of order). */
  duplicates: number;
  /** Events whose data was shorter than the payload sent. */
  badData: number;
  /** The first few missing and duplicated sequence numbers, for the report. */
  missingExamples: number[];
  duplicateExamples: number[];
}

/** Options of {@link StreamChecker}. */
export interface StreamCheckerOptions {
  /** The first sequence number expected. */
  firstSequence: number;
  /** Shortest acceptable `data` (serializers may add quotes or escapes, never remove bytes). */
  minDataLength?: number;
  /** Called for every numbered event, in arrival order. */
  onEvent?: (event: NumberedEvent) => void;
  /**
   * Reads the sequence from the event instead of its id, for servers whose ids are not
   * do not number the plan's events (the Redis bus's positions come from a counter in Redis).
   */
  sequenceOf?: (id: string, data: string) => number;
}

function sequenceInId(id: string): number {
  return cursorPosition(id)?.sequence ?? Number(id);
}

const EXAMPLES_KEPT = 5;

/** Parses and checks one stream; feed it text with {@link push}. */
export class StreamChecker {
  readonly #minDataLength: number;
  readonly #onEvent: ((event: NumberedEvent) => void) | undefined;
  readonly #sequenceOf: (id: string, data: string) => number;
  #expected: number;
  #partial = '';
  #pendingCr = false;
  #data: string | undefined;
  #frameId: string | undefined;
  readonly #report: StreamReport = {
    events: 0,
    keepAlives: 0,
    missing: 0,
    duplicates: 0,
    badData: 0,
    missingExamples: [],
    duplicateExamples: [],
  };

  /** @param options - where the sequence starts, and the data check. */
  constructor(options: StreamCheckerOptions) {
    if (!Number.isSafeInteger(options.firstSequence))
      throw new TypeError(`firstSequence must be an integer, got ${options.firstSequence}`);
    this.#expected = options.firstSequence;
    this.#minDataLength = options.minDataLength ?? 0;
    this.#onEvent = options.onEvent;
    this.#sequenceOf = options.sequenceOf ?? sequenceInId;
  }

  /** The sequence number the next event should carry. */
  get expectedSequence(): number {
    return this.#expected;
  }

  /** Keep-alives (comments and events without an id) so far: cheap to read after every chunk. */
  get keepAlives(): number {
    return this.#report.keepAlives;
  }

  /** Parses a piece of the stream (any split: mid-line, mid-CRLF). */
  push(text: string): void {
    let chunk = text;
    if (this.#pendingCr) {
      // A CR ended the previous piece: a LF opening this one belongs to the same line end.
      if (chunk.startsWith('\n')) chunk = chunk.slice(1);
      this.#pendingCr = false;
    }
    if (chunk.includes('\r')) {
      this.#pendingCr = chunk.endsWith('\r');
      chunk = chunk.replace(/\r\n?/g, '\n');
    }
    let start = 0;
    let end = chunk.indexOf('\n');
    if (end === -1) {
      this.#partial += chunk;
      return;
    }
    this.#line(this.#partial + chunk.slice(0, end));
    this.#partial = '';
    start = end + 1;
    for (end = chunk.indexOf('\n', start); end !== -1; end = chunk.indexOf('\n', start)) {
      this.#line(chunk.slice(start, end));
      start = end + 1;
    }
    this.#partial = chunk.slice(start);
  }

  /**
   * The report so far; `lastSequence` counts every sequence up to it that never came as missing
   * (the tail of a stream that stopped early), without changing the checker's state.
   */
  finish(lastSequence?: number): StreamReport {
    const report = {
      ...this.#report,
      missingExamples: [...this.#report.missingExamples],
      duplicateExamples: [...this.#report.duplicateExamples],
    };
    if (lastSequence !== undefined && lastSequence >= this.#expected) {
      report.missing += lastSequence - this.#expected + 1;
      for (
        let sequence = this.#expected;
        sequence <= lastSequence && report.missingExamples.length < EXAMPLES_KEPT;
        sequence += 1
      ) {
        report.missingExamples.push(sequence);
      }
    }
    return report;
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) {
      this.#report.keepAlives += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    if (field === 'data') this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    else if (field === 'id' && !value.includes('\0')) this.#frameId = value;
  }

  #dispatch(): void {
    const data = this.#data;
    const id = this.#frameId;
    this.#data = undefined;
    this.#frameId = undefined;
    // Per the spec a frame without data dispatches nothing (a lone `retry:` or `id:`).
    if (data === undefined) return;
    if (id === undefined) {
      this.#report.keepAlives += 1;
      return;
    }
    const sequence = this.#sequenceOf(id, data);
    this.#check(sequence, data);
    this.#onEvent?.({ sequence, data });
  }

  #check(sequence: number, data: string): void {
    const report = this.#report;
    report.events += 1;
    if (data.length < this.#minDataLength) report.badData += 1;
    if (!Number.isSafeInteger(sequence) || sequence < this.#expected) {
      report.duplicates += 1;
      if (report.duplicateExamples.length < EXAMPLES_KEPT) report.duplicateExamples.push(sequence);
      return;
    }
    if (sequence > this.#expected) {
      report.missing += sequence - this.#expected;
      for (let gap = this.#expected; gap < sequence && report.missingExamples.length < EXAMPLES_KEPT; gap += 1)
        report.missingExamples.push(gap);
    }
    this.#expected = sequence + 1;
  }
}
