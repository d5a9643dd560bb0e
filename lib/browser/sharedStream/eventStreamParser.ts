import { CURSOR_EVENT } from '../../protocol/protocolEvents';
import { SKIP_TAB_COMMENT } from '../../protocol/tabExclusion';

/**
 * One parsed block of an event stream. `id` is the id field of this block only ('' when it had
 * none), so a heartbeat without an id is never mistaken for an event of the previous id's channel.
 * A block with an id and no data, or the `sse:cursor` event, is a cursor: it moves the position
 * and fires no event.
 */
export interface StreamFrame {
  /** `cursor` for an id-only block, `event` for a block with data. */
  kind: 'cursor' | 'event';
  /** Event type (`message` when the block named none). */
  type: string;
  data: string;
  id: string;
  /** Tabs this event is not for (`:sse-skip-tab <tab id>` comments in its block), if any. */
  skipTabs?: string[];
}

const SKIP_TAB_PREFIX = `:${SKIP_TAB_COMMENT} `;

const LINE = /\r\n|\r|\n/;

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events"):
 * text goes in as it arrives, whole frames come out. Comments and `retry:` are ignored, but for
 * the server's `:sse-skip-tab` marks; the reader that feeds it owns reconnecting.
 */
export class EventStreamParser {
  #buffer = '';
  #type = '';
  #data: string[] = [];
  #id: string | undefined;
  #skipTabs: string[] | undefined;
  #afterCr = false;

  /** Parses `text` (any split of the stream) and returns the frames it completed. */
  push(text: string): StreamFrame[] {
    // A CR that ended the previous text may be the first half of a CRLF: its LF ends no new line.
    const input = this.#afterCr && text.startsWith('\n') ? text.slice(1) : text;
    this.#afterCr = input.endsWith('\r');
    const lines = (this.#buffer + input).split(LINE);
    // The last piece is an unfinished line.
    this.#buffer = lines.pop() ?? '';
    const frames: StreamFrame[] = [];
    for (const line of lines) {
      const frame = this.#line(line);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  #line(line: string): StreamFrame | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      if (line.startsWith(SKIP_TAB_PREFIX)) {
        this.#skipTabs ??= [];
        this.#skipTabs.push(line.slice(SKIP_TAB_PREFIX.length));
      }
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }

  #dispatch(): StreamFrame | undefined {
    const id = this.#id ?? '';
    const hasData = this.#data.length > 0;
    const hadId = this.#id !== undefined;
    const frame: StreamFrame = { kind: 'event', type: this.#type || 'message', data: this.#data.join('\n'), id };
    if (this.#skipTabs) frame.skipTabs = this.#skipTabs;
    this.#skipTabs = undefined;
    this.#type = '';
    this.#data = [];
    this.#id = undefined;
    // The stream's opening `sse:cursor` event (and a bare `id:` block) only moves the position.
    if (hasData && frame.type !== CURSOR_EVENT) return frame;
    return hadId ? { ...frame, kind: 'cursor', data: '' } : undefined;
  }
}
