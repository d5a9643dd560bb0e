import { decodeEvent } from '../protocol/decodeEvent';
import { formatEventId, formatStreamEventId } from '../protocol/eventId';
import { encodeEvent } from '../protocol/wireFormat';
import type {
  Bus,
  BusDelivery,
  BusHandlers,
  BusMessage,
  BusState,
  PublishReceipt,
  RecentEvent,
  ReplayResult,
} from './bus';
import { BusPosition } from './busPosition';
import { type EventHistoryOptions, resolveHistoryLimits } from './eventHistory';
import { HistoryStore } from './historyStore';

/**
 * The embedded default bus: one process, history in memory, delivery synchronous inside
 * `publish`, so a publish has reached every local connection when its promise settles.
 */
export class MemoryBus implements Bus {
  readonly #position = new BusPosition();
  readonly #histories: HistoryStore;
  #handlers: BusHandlers | undefined;
  #closed = false;

  /** @param history - history limits (1000 events and 4 MiB per channel, 64 MiB in all, idle channels dropped after 15 min). */
  constructor(history: EventHistoryOptions = {}) {
    this.#histories = new HistoryStore(this.#position, resolveHistoryLimits('MemoryBus', history));
  }

  /** {@inheritDoc Bus.attach} */
  attach(handlers: BusHandlers): void {
    this.#handlers = handlers;
  }

  /** {@inheritDoc Bus.publish} */
  async publish(message: BusMessage): Promise<PublishReceipt> {
    if (this.#closed) throw new Error('bus is closed');
    const sequence = this.#position.advance();
    const id = formatEventId(this.#position.epoch, sequence);
    const streamId = formatStreamEventId(message.channel, id);
    const delivery: BusDelivery = {
      ...message,
      id,
      frame: encodeEvent({ event: message.event, data: message.data, id: streamId }),
    };
    this.#histories.append(message.channel, { id, frame: delivery.frame }, sequence);
    return { id: streamId, delivered: this.#handlers?.deliver(delivery) ?? 0 };
  }

  /** {@inheritDoc Bus.position} */
  async position(): Promise<string> {
    return this.#position.current();
  }

  /** {@inheritDoc Bus.sendTo} */
  async sendTo(connectionId: string, frame: Buffer): Promise<boolean> {
    return this.#handlers?.direct(connectionId, frame) ?? false;
  }

  /**
   * One process: there is no other process to disconnect in. A replacement follows the rule of
   * {@link Bus.disconnect} here too: the broadcaster ends the stream holding the id before it
   * registers the new one, so only an older stream is ever ended.
   */
  async disconnect(): Promise<boolean> {
    return false;
  }

  /** One process: there is no other process to look in. */
  async lookup(): Promise<undefined> {
    return undefined;
  }

  /** One process: the broadcaster has already written the notice to every connection. */
  async announce(): Promise<void> {}

  /** {@inheritDoc Bus.recent} */
  async recent(channel: string, limit: number): Promise<RecentEvent[]> {
    return this.#histories.newest(channel, limit).map(({ event, at }) => ({
      id: formatStreamEventId(channel, event.id),
      ...decodeEvent(event.frame),
      publishedAt: at,
    }));
  }

  /** {@inheritDoc Bus.replay} */
  async replay(channel: string, lastEventId: string): Promise<ReplayResult> {
    return this.#histories.since(channel, lastEventId);
  }

  /** A stream opened on `channel` here: delivery needs nothing, and the channel's history is kept while it has streams. */
  subscribe(channel: string): void {
    this.#histories.listen(channel);
  }

  /** {@inheritDoc Bus.unsubscribe} */
  unsubscribe(channel: string): void {
    this.#histories.unlisten(channel);
  }

  /** {@inheritDoc Bus.state} */
  state(): BusState {
    const held = this.#histories.held();
    return { kind: 'memory', connected: !this.#closed, channels: held.channels, historyBytes: held.bytes };
  }

  /** {@inheritDoc Bus.close} */
  async close(): Promise<void> {
    this.#closed = true;
    this.#histories.close();
  }
}
