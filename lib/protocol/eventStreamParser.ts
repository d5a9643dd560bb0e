/**
 * The one reader of the `text/event-stream` format, by the WHATWG HTML rules of "event stream
 * interpretation" (the rules `EventSource` applies): the browser's stream hub, the testing client
 * and the memory log's `recent` all read frames through it, so each sees exactly what a page would.
 *
 * It takes bytes, because every caller has bytes (a fetch body, a Node response, a stored frame):
 * a UTF-8 sequence split between chunks is decoded whole, and a leading BOM is dropped once.
 */

/**
 * One block of the stream: its lines up to a blank line. Besides what `EventSource` makes of it
 * (`dispatched`, `type`, `data`, `lastEventId`) it tells what the block itself wrote (`event`,
 * `id`, `comments`), which a page never sees but the library's own readers need.
 */
export interface EventStreamBlock {
  /**
   * Whether `EventSource` dispatches an event for it: the block had a `data` field. A block
   * without one (a lone `id`, a `retry`, only comments) dispatches nothing, but its id still counts.
   */
  dispatched: boolean;
  /** The event type: the block's `event` field, or `message` when it had none (or an empty one). */
  type: string;
  /** The block's `data` fields joined with LF ('' when it had none). */
  data: string;
  /**
   * The stream's last event id once this block is read: the value of the latest `id` field so far,
   * in this block or an earlier one (ids persist from event to event, as in `EventSource`).
   */
  lastEventId: string;
  /** The block's own `id` field, or undefined when it had none (an id holding NUL is ignored). */
  id: string | undefined;
  /** The block's own `event` field as written, or undefined when it had none. */
  event: string | undefined;
  /** The block's comment lines in order, each without its leading `:` (`': keep-alive'` gives `' keep-alive'`). */
  comments: string[];
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DIGITS = /^[0-9]+$/;

/**
 * An incremental event-stream parser: `push` the stream's bytes as they arrive, split anywhere
 * (inside a line, a UTF-8 sequence or a CRLF), and get back the blocks they completed. Lines end
 * at CR, LF or CRLF. A block without its closing blank line is never returned, as in a browser.
 */
export class EventStreamParser {
  // Without `ignoreBOM`, the decoder drops a BOM at the start of the stream, and only there.
  readonly #decoder = new TextDecoder('utf-8');
  /** The start of a line whose end has not arrived yet. */
  #partial = '';
  /** The last chunk ended in CR: an LF starting the next one ends no further line. */
  #afterCarriageReturn = false;
  #inBlock = false;
  #event: string | undefined;
  #data = '';
  #hasData = false;
  #id: string | undefined;
  #comments: string[] = [];
  /** The WHATWG "last event ID buffer": set by each `id` field, kept from block to block. */
  #idBuffer = '';
  #lastEventId = '';
  #retry: number | undefined;

  /** The reconnection time the stream set (its latest `retry` field of ASCII digits only), if any. */
  get retry(): number | undefined {
    return this.#retry;
  }

  /**
   * The last event id as of the latest complete block: what a reconnecting `EventSource` would
   * send as `Last-Event-ID`. An `id` in a block not yet ended does not count.
   */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Parses the next chunk of the stream and returns the blocks it completed, in order. */
  push(chunk: Uint8Array): EventStreamBlock[] {
    const text = this.#decoder.decode(chunk, { stream: true });
    const blocks: EventStreamBlock[] = [];
    let start = 0;
    if (this.#afterCarriageReturn && text.length > 0) {
      this.#afterCarriageReturn = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    for (let index = start; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code !== CR && code !== LF) continue;
      this.#line(this.#partial + text.slice(start, index), blocks);
      this.#partial = '';
      if (code === CR) {
        if (index + 1 === text.length) this.#afterCarriageReturn = true;
        else if (text.charCodeAt(index + 1) === LF) index += 1;
      }
      start = index + 1;
    }
    this.#partial += text.slice(start);
    return blocks;
  }

  #line(line: string, blocks: EventStreamBlock[]): void {
    if (line === '') {
      if (this.#inBlock) blocks.push(this.#endBlock());
      return;
    }
    this.#inBlock = true;
    if (line.charCodeAt(0) === COLON) {
      this.#comments.push(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === SPACE) value = value.slice(1);
    if (field === 'data') {
      this.#data += `${value}\n`;
      this.#hasData = true;
    } else if (field === 'event') this.#event = value;
    else if (field === 'id') {
      if (value.includes('\0')) return;
      this.#id = value;
      this.#idBuffer = value;
    } else if (field === 'retry' && DIGITS.test(value)) this.#retry = Number(value);
  }

  #endBlock(): EventStreamBlock {
    this.#lastEventId = this.#idBuffer;
    const block: EventStreamBlock = {
      dispatched: this.#hasData,
      type: this.#event || 'message',
      // Each data line added an LF; the last one is dropped.
      data: this.#data.slice(0, -1),
      lastEventId: this.#lastEventId,
      id: this.#id,
      event: this.#event,
      comments: this.#comments,
    };
    this.#inBlock = false;
    this.#event = undefined;
    this.#data = '';
    this.#hasData = false;
    this.#id = undefined;
    this.#comments = [];
    return block;
  }
}

/**
 * The block of one whole frame (as `encodeEvent` writes it), read back: for a log that keeps only
 * encoded frames and must tell what each carried.
 * @throws TypeError when `frame` holds no complete block.
 */
export function parseFrame(frame: Uint8Array): EventStreamBlock {
  const [block] = new EventStreamParser().push(frame);
  if (!block) throw new TypeError(`Not a complete event-stream frame (${frame.length} bytes without a blank line)`);
  return block;
}
