import { EventSource } from 'eventsource';
import { CURSOR_EVENT } from '../../lib/protocol/protocolEvents';

/** One event as a test sees it. */
export interface ReceivedEvent {
  type: string;
  data: string;
  lastEventId: string;
}

/** A real `eventsource` client whose requests carry `headers` too (e.g. `Last-Event-ID`). */
export function openEventSource(url: string, headers: Record<string, string> = {}): EventSource {
  return new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
  });
}

/** Resolves once `source` is open (at once if it already is). */
export function whenOpen(source: EventSource): Promise<void> {
  if (source.readyState === EventSource.OPEN) return Promise.resolve();
  return new Promise((resolve) => source.addEventListener('open', () => resolve(), { once: true }));
}

/**
 * A real `eventsource` client that records the named events it is told to listen to, and lets a
 * test await "n events received" or "opened" without sleeping. (A test that must not hold what it
 * receives, such as the soak, uses {@link openEventSource} and counts.)
 */
export class RecordingEventSource {
  readonly source: EventSource;
  readonly events: ReceivedEvent[] = [];
  /** How many `sse:cursor` events came (the stream's opening cursor, and on some streams one per write). */
  #cursors = 0;
  #waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  /**
   * @param url - stream URL.
   * @param types - event types to record besides `message`.
   * @param headers - extra request headers (e.g. `Last-Event-ID`).
   */
  constructor(url: string, types: string[] = [], headers: Record<string, string> = {}) {
    this.source = openEventSource(url, headers);
    for (const type of ['message', ...types]) {
      this.source.addEventListener(type, (event) => {
        this.events.push({ type, data: event.data, lastEventId: event.lastEventId });
        this.#check();
      });
    }
    this.source.addEventListener('open', () => this.#check());
    this.source.addEventListener(CURSOR_EVENT, () => {
      this.#cursors += 1;
      this.#check();
    });
  }

  /** Data of the recorded events of one type. */
  data(type = 'message'): string[] {
    return this.events.filter((event) => event.type === type).map((event) => event.data);
  }

  /** Resolves once the connection is open. */
  opened(): Promise<void> {
    return this.until(() => this.source.readyState === EventSource.OPEN);
  }

  /**
   * Resolves once the stream has started: its opening `sse:cursor` came, so every event published
   * from now on is owed to it (`opened` only says the headers came; on a shared bus the stream's
   * starting position is read after that).
   */
  started(): Promise<void> {
    return this.until(() => this.#cursors > 0);
  }

  /** Resolves once `count` events of `type` have been recorded. */
  received(count: number, type = 'message'): Promise<void> {
    return this.until(() => this.data(type).length >= count);
  }

  /** Resolves once `predicate` holds (checked on every event). */
  until(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  /** Closes the client. */
  close(): void {
    this.source.close();
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.predicate()) return true;
      waiter.resolve();
      return false;
    });
  }
}
