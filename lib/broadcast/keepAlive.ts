import { HEARTBEAT_EVENT } from '../protocol/protocolEvents';
import { encodeComment, encodeEvent } from '../protocol/wireFormat';
import { OptionReader } from '../validation/optionReader';
import type { SseConnection } from './sseConnection';

/** What a keep-alive needs of a connection (any metadata type). */
export type KeepAliveTarget = Pick<SseConnection<unknown>, 'write'>;

/** How keep-alives are sent. */
export interface KeepAliveOptions {
  /** Interval in ms. Default 15000 (under common proxy idle timeouts). 0 turns them off. */
  intervalMs?: number;
  /**
   * `event` (default): a named {@link HEARTBEAT_EVENT} that page scripts, and the client
   * monitor's dead-connection timer, can see. `comment`: a `:` line, invisible to pages.
   */
  as?: 'event' | 'comment';
}

/**
 * Keeps a set of streams alive with one unref'd interval for all of them, started with the first
 * stream and stopped with the last, and one encoded frame per tick shared by every stream.
 */
export class KeepAlive {
  readonly #connections = new Set<KeepAliveTarget>();
  readonly #intervalMs: number;
  readonly #as: 'event' | 'comment';
  #timer: NodeJS.Timeout | undefined;

  /** @param options - interval and form. */
  constructor(options: KeepAliveOptions = {}) {
    const read = new OptionReader<KeepAliveOptions>('KeepAlive', options);
    this.#intervalMs = read.integer('intervalMs', 15_000);
    this.#as = read.oneOf('as', ['event', 'comment'], 'event');
  }

  /** Starts keeping `connection` alive. */
  add(connection: KeepAliveTarget): void {
    if (this.#intervalMs === 0) return;
    this.#connections.add(connection);
    if (!this.#timer) {
      this.#timer = setInterval(this.#tick, this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Stops keeping `connection` alive (it closed). */
  delete(connection: KeepAliveTarget): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  readonly #tick = (): void => {
    const now = Date.now();
    const frame =
      this.#as === 'event' ? encodeEvent({ event: HEARTBEAT_EVENT, data: String(now) }) : encodeComment('keep-alive');
    for (const connection of [...this.#connections]) connection.write(frame, undefined, now);
  };
}
