import { formatEventId, formatStreamEventId } from '../protocol/eventId';
import { encodeEvent } from '../protocol/wireFormat';
import type { Bus, BusDelivery, BusHandlers, BusMessage, BusState, PublishReceipt, ReplayResult } from './bus';
import { BusPosition } from './busPosition';
import { ChannelHistory, type EventHistoryOptions, resolveHistoryLimits } from './eventHistory';

/**
 * The embedded default bus: one process, history in memory, delivery synchronous inside
 * `publish`, so a publish has reached every local connection when its promise settles.
 */
export class MemoryBus implements Bus {
  readonly #histories = new Map<string, ChannelHistory>();
  readonly #historyOptions: EventHistoryOptions;
  readonly #position = new BusPosition();
  #handlers: BusHandlers | undefined;
  #closed = false;

  /** @param history - per-channel history limits (size default 1000, no age limit). */
  constructor(history: EventHistoryOptions = {}) {
    this.#historyOptions = resolveHistoryLimits('MemoryBus', history);
  }

  /** {@inheritDoc Bus.attach} */
  attach(handlers: BusHandlers): void {
    this.#handlers = handlers;
  }

  /** {@inheritDoc Bus.publish} */
  async publish(message: BusMessage): Promise<PublishReceipt> {
    if (this.#closed) throw new Error('bus is closed');
    const history = this.#historyOf(message.channel);
    const sequence = this.#position.advance();
    const id = formatEventId(this.#position.epoch, sequence);
    const streamId = formatStreamEventId(message.channel, id);
    const delivery: BusDelivery = {
      ...message,
      id,
      frame: encodeEvent({ event: message.event, data: message.data, id: streamId }),
    };
    history.append({ id, frame: delivery.frame }, sequence);
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

  /** {@inheritDoc Bus.replay} */
  async replay(channel: string, lastEventId: string): Promise<ReplayResult> {
    return this.#historyOf(channel).since(lastEventId);
  }

  /** In one process every channel is always "subscribed": nothing to do. */
  subscribe(): void {}

  /** See {@link subscribe}. */
  unsubscribe(): void {}

  /** {@inheritDoc Bus.state} */
  state(): BusState {
    return { kind: 'memory', connected: !this.#closed, channels: this.#histories.size };
  }

  /** {@inheritDoc Bus.close} */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #historyOf(channel: string): ChannelHistory {
    let history = this.#histories.get(channel);
    if (!history) {
      history = new ChannelHistory(this.#position, this.#historyOptions);
      this.#histories.set(channel, history);
    }
    return history;
  }
}
