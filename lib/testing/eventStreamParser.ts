/**
 * A `text/event-stream` parser that follows the WHATWG HTML "event stream interpretation" rules
 * the browser's `EventSource` applies, so a test sees exactly the events a page would.
 */

/** One dispatched event, with the fields a browser's `MessageEvent` carries. */
export interface ReceivedEvent {
  /** The event type: the `event:` field, or `message` when there was none. */
  type: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id seen so far on the stream (ids persist between events, as in `EventSource`). */
  lastEventId: string;
}

/**
 * Feeds on chunks of bytes (or text) and calls `onEvent` for every complete event. A chunk may end
 * anywhere, inside a line or between `\r` and `\n`. An event without a closing blank line is never
 * dispatched, as in a browser.
 */
export class EventStreamParser {
  readonly #onEvent: (event: ReceivedEvent) => void;
  readonly #decoder = new TextDecoder('utf-8');
  #line = '';
  #afterCarriageReturn = false;
  #atStart = true;
  #type = '';
  #data = '';
  #lastEventId = '';
  #retry: number | undefined;

  /** @param onEvent - called once per dispatched event, in stream order. */
  constructor(onEvent: (event: ReceivedEvent) => void) {
    this.#onEvent = onEvent;
  }

  /** The reconnection time the stream asked for (its last valid `retry:` field), if any. */
  get retry(): number | undefined {
    return this.#retry;
  }

  /** The last event id the stream set. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Parses the next chunk; UTF-8 sequences split across chunks are decoded whole. */
  push(chunk: Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (this.#atStart && text.length > 0) {
      this.#atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index];
      if (char !== '\r' && char !== '\n') continue;
      const skipLineFeed = char === '\n' && this.#afterCarriageReturn && index === start && this.#line === '';
      this.#afterCarriageReturn = char === '\r';
      if (skipLineFeed) {
        start = index + 1;
        continue;
      }
      this.#line += text.slice(start, index);
      this.#processLine(this.#line);
      this.#line = '';
      start = index + 1;
    }
    if (start < text.length) {
      this.#afterCarriageReturn = false;
      this.#line += text.slice(start);
    }
  }

  #processLine(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data += `${value}\n`;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
    }
  }

  #dispatch(): void {
    if (this.#data === '') {
      this.#type = '';
      return;
    }
    const event: ReceivedEvent = {
      type: this.#type === '' ? 'message' : this.#type,
      data: this.#data.slice(0, -1),
      lastEventId: this.#lastEventId,
    };
    this.#type = '';
    this.#data = '';
    this.#onEvent(event);
  }
}
