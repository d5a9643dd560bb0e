import { formatEventId, formatStreamEventId } from '../protocol/eventId';
import { parseFrame } from '../protocol/eventStreamParser';
import { encodeEvent } from '../protocol/wireFormat';
import type { Clock } from '../time/clock';
import type { Inbound } from './bus';
import { BusPosition } from './busPosition';
import type { HistoryLimits } from './eventHistory';
import type { BusDelivery, BusMessage, EventLog, PublishReceipt, RecentEvent, ReplayResult } from './eventLog';
import { HistoryStore } from './historyStore';

/**
 * The event log of one process, in memory: one position for every channel, history per channel,
 * and delivery synchronous inside `append`, so an event has reached every local connection when
 * its promise settles. Nothing is ever lost between append and delivery, so it never hands over a
 * gap live; `read` answers a gap for a cursor older than what history holds or from another start.
 */
export class MemoryLog implements EventLog {
  /** One position for every channel, delivered as appended: always in order. */
  readonly ordered = true;
  readonly #position = new BusPosition();
  readonly #histories: HistoryStore;
  readonly #inbound: () => Inbound | undefined;
  #closed = false;

  /**
   * @param limits - history limits, already checked.
   * @param inbound - where delivered events go (the broadcaster, once attached).
   * @param clock - the clock of the history's times, age limit and idle expiry.
   */
  constructor(limits: HistoryLimits, inbound: () => Inbound | undefined, clock: Clock) {
    this.#histories = new HistoryStore(this.#position, limits, clock);
    this.#inbound = inbound;
  }

  /** {@inheritDoc EventLog.append} */
  async append(message: BusMessage): Promise<PublishReceipt> {
    if (this.#closed) throw new Error('bus is closed');
    const sequence = this.#position.advance();
    const id = formatEventId(this.#position.epoch, sequence);
    const streamId = formatStreamEventId(message.channel, id);
    const delivery: BusDelivery = {
      ...message,
      id,
      frame: encodeEvent({ event: message.event, data: message.data, id: streamId }),
    };
    const superseded = this.#histories.append(
      message.channel,
      { id, frame: delivery.frame, key: message.key },
      sequence,
    );
    return { id: streamId, delivered: this.#inbound()?.events([delivery])[0] ?? 0, superseded };
  }

  /** {@inheritDoc EventLog.read} */
  async read(channel: string, after: string): Promise<ReplayResult> {
    return this.#histories.since(channel, after);
  }

  /** {@inheritDoc EventLog.recent} */
  async recent(channel: string, limit: number): Promise<RecentEvent[]> {
    return this.#histories.newest(channel, limit).map(({ event: stored, at }) => {
      // History keeps only the encoded frame: its event field (not the defaulted type) and data are read back.
      const { event, data } = parseFrame(stored.frame);
      return { id: formatStreamEventId(channel, stored.id), event, data, publishedAt: at };
    });
  }

  /** {@inheritDoc EventLog.position} */
  async position(): Promise<string> {
    return this.#position.current();
  }

  /** A stream opened on `channel` here: delivery needs nothing, and the channel's history is kept while it has streams. */
  follow(channel: string): void {
    this.#histories.listen(channel);
  }

  /** {@inheritDoc EventLog.unfollow} */
  unfollow(channel: string): void {
    this.#histories.unlisten(channel);
  }

  /** How many channels and bytes history holds. */
  held(): { channels: number; bytes: number } {
    return this.#histories.held();
  }

  /** Appends are refused from now on, and history is dropped. */
  close(): void {
    this.#closed = true;
    this.#histories.close();
  }
}
