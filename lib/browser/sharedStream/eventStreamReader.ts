import { EventStreamParser } from '../../protocol/eventStreamParser';
import { lostEnd, refusalOf, type StreamEnd } from '../streamEnd';
import { type StreamFrame, streamFrameOf } from './streamFrame';

/** What an {@link EventStreamReader} reports. */
export interface StreamReaderEvents {
  /** The server answered with an event stream. */
  opened(): void;
  /** A frame arrived. */
  frame(frame: StreamFrame): void;
  /** The stream is over: refused (with its status, and a 403's channel), unreachable, or ended. Called once, never after `close()`. */
  ended(end: StreamEnd): void;
}

/**
 * One event stream read with `fetch` (which, unlike `EventSource`, shows the id-only frame a stream
 * opens with, and works the same in a worker and in a page). It never reconnects by itself.
 */
export class EventStreamReader {
  readonly #abort = new AbortController();
  readonly #events: StreamReaderEvents;
  #over = false;

  /**
   * Starts reading at once.
   * @param url - the stream URL.
   * @param cursor - sent as `Last-Event-ID` ('' for none).
   * @param events - where frames and the end go.
   */
  constructor(url: string, cursor: string, events: StreamReaderEvents) {
    this.#events = events;
    this.#read(url, cursor).catch((error: unknown) =>
      this.#end(lostEnd(error instanceof Error ? error.message : 'failed')),
    );
  }

  /** Stops reading; no further report. */
  close(): void {
    this.#over = true;
    this.#abort.abort();
  }

  async #read(url: string, cursor: string): Promise<void> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (cursor) headers['Last-Event-ID'] = cursor;
    const response = await fetch(url, {
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: this.#abort.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body || !type.includes('text/event-stream'))
      return this.#end(await refusalOf(response));
    if (this.#over) return;
    this.#events.opened();
    const parser = new EventStreamParser();
    const reader = response.body.getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return this.#end(lostEnd('stream ended'));
      for (const block of parser.push(chunk.value)) {
        if (this.#over) return;
        const frame = streamFrameOf(block);
        if (frame) this.#events.frame(frame);
      }
    }
  }

  #end(end: StreamEnd): void {
    if (this.#over) return;
    this.#over = true;
    this.#events.ended(end);
  }
}
