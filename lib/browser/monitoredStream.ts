/**
 * A response body passed through to htmx 4's `hx-sse`, with two additions: a read error (the
 * server vanished) ends the stream cleanly instead of surfacing as `htmx:sse:error`, and the
 * monitor can end it from outside (`end()`) to force a reconnect without touching htmx internals.
 * `onEnd` runs once when the stream ended by itself, never after `end()` or htmx's own cancel.
 */
export class MonitoredStream {
  /** What htmx reads. */
  readonly readable: ReadableStream<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #onEnd: (reason: string) => void;
  #finished = false;
  #closed = false;

  /**
   * @param body - the real response body.
   * @param onEnd - told why the stream ended by itself.
   */
  constructor(body: ReadableStream<Uint8Array>, onEnd: (reason: string) => void) {
    this.#reader = body.getReader();
    this.#onEnd = onEnd;
    this.readable = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await this.#reader.read();
        } catch {
          this.#close(controller, 'stream error');
          return;
        }
        if (chunk.done) this.#close(controller, 'stream ended');
        else controller.enqueue(chunk.value);
      },
      cancel: (reason) => {
        this.#finished = true;
        return this.#reader.cancel(reason);
      },
    });
  }

  /** Ends the stream on purpose: the server sees the client leave, htmx sees a normal end. */
  end(): void {
    if (this.#finished) return;
    this.#finished = true;
    // A pending read resolves as done, so htmx's reader sees the end right away.
    this.#reader.cancel().catch(() => undefined);
  }

  #close(controller: ReadableStreamDefaultController<Uint8Array>, reason: string): void {
    if (!this.#closed) {
      this.#closed = true;
      controller.close();
    }
    if (this.#finished) return;
    this.#finished = true;
    // Told on a later task, so htmx has parsed the last bytes first: they may hold the server's
    // close event, whose `after` must decide the reconnect, not the ordinary backoff.
    setTimeout(() => this.#onEnd(reason), 0);
  }
}
