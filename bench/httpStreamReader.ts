import { StringDecoder } from 'node:string_decoder';

/** Where the reader is in the response. */
type ReaderState = 'head' | 'chunkSize' | 'chunkData' | 'chunkEnd' | 'body' | 'done';

const LF = 10;
const HEAD_END = '\r\n\r\n';
/** A response head longer than this is refused rather than buffered without bound. */
const MAX_HEAD_BYTES = 64 * 1024;

/** The status and headers (names lower-cased) of the response. */
export interface ResponseHead {
  status: number;
  headers: Record<string, string>;
}

/** Callbacks of {@link HttpStreamReader}. */
export interface HttpStreamReaderHandlers {
  /** Called once, when the status line and headers are complete. */
  onHead(head: ResponseHead): void;
  /** Called with the body text each pushed piece completed (UTF-8 decoded across pieces). */
  onText(text: string): void;
  /** Called when the response cannot be read (malformed head or chunk size). */
  onError(error: Error): void;
}

/**
 * Reads one HTTP/1.1 response straight off a socket's bytes: the head, then the body, de-chunked
 * when it is `Transfer-Encoding: chunked`. The load generator uses it instead of `http.get`:
 * at 100 small events a second to each of 1,000 clients, Node's client parser and its second
 * stream layer alone fill the load generator's core, and its queue then dominates the latency
 * being measured.
 */
export class HttpStreamReader {
  readonly #handlers: HttpStreamReaderHandlers;
  readonly #decoder = new StringDecoder('utf8');
  #state: ReaderState = 'head';
  #head = '';
  #sizeLine = '';
  #remaining = 0;

  /** @param handlers - where the head, the body text and errors go. */
  constructor(handlers: HttpStreamReaderHandlers) {
    this.#handlers = handlers;
  }

  /** Reads one piece of the response, split anywhere. */
  push(bytes: Buffer): void {
    let text = '';
    let at = 0;
    while (at < bytes.length && this.#state !== 'done') {
      switch (this.#state) {
        case 'head':
          at = this.#readHead(bytes, at);
          break;
        case 'chunkSize':
          at = this.#readChunkSize(bytes, at);
          break;
        case 'chunkData': {
          const end = Math.min(bytes.length, at + this.#remaining);
          text += this.#decoder.write(bytes.subarray(at, end));
          this.#remaining -= end - at;
          at = end;
          if (this.#remaining === 0) this.#state = 'chunkEnd';
          break;
        }
        case 'chunkEnd': {
          const lineEnd = bytes.indexOf(LF, at);
          at = lineEnd === -1 ? bytes.length : lineEnd + 1;
          if (lineEnd !== -1) this.#state = 'chunkSize';
          break;
        }
        case 'body':
          text += this.#decoder.write(bytes.subarray(at));
          at = bytes.length;
          break;
      }
    }
    if (text !== '') this.#handlers.onText(text);
  }

  /** Reads head bytes; returns where the body starts in `bytes` (or its end while the head goes on). */
  #readHead(bytes: Buffer, at: number): number {
    const before = this.#head.length;
    this.#head += bytes.toString('latin1', at);
    const end = this.#head.indexOf(HEAD_END);
    if (end === -1) {
      if (this.#head.length > MAX_HEAD_BYTES) this.#fail(`response head longer than ${MAX_HEAD_BYTES} bytes`);
      return bytes.length;
    }
    const [statusLine = '', ...fields] = this.#head.slice(0, end).split('\r\n');
    this.#head = '';
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) {
      this.#fail(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
      return bytes.length;
    }
    const headers: Record<string, string> = {};
    for (const field of fields) {
      const colon = field.indexOf(':');
      if (colon > 0) headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
    }
    this.#state = /\bchunked\b/i.test(headers['transfer-encoding'] ?? '') ? 'chunkSize' : 'body';
    this.#handlers.onHead({ status, headers });
    return at + (end + HEAD_END.length - before);
  }

  /** Reads a chunk-size line (`<hex>[;ext]\r\n`); returns where it ended. */
  #readChunkSize(bytes: Buffer, at: number): number {
    const lineEnd = bytes.indexOf(LF, at);
    if (lineEnd === -1) {
      this.#sizeLine += bytes.toString('latin1', at);
      return bytes.length;
    }
    const line = (this.#sizeLine + bytes.toString('latin1', at, lineEnd)).trim();
    this.#sizeLine = '';
    const size = Number.parseInt(line, 16);
    if (!/^[0-9a-f]+(;|$)/i.test(line) || !Number.isSafeInteger(size)) {
      this.#fail(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
      return bytes.length;
    }
    this.#remaining = size;
    this.#state = size === 0 ? 'done' : 'chunkData';
    return lineEnd + 1;
  }

  #fail(message: string): void {
    this.#state = 'done';
    this.#handlers.onError(new Error(message));
  }
}
