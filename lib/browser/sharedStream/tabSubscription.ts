import { splitStreamEventId } from '../../protocol/eventId';
import type { StreamEnd } from '../streamEnd';
import type { SubscriptionRequest } from './sharedStreamMessages';
import { isAfter, laterPosition, positionOf } from './streamPosition';

/** What a subscription tells its element's dialect adapter. */
export interface SubscriptionListener {
  /**
   * The subscription is on the shared stream, which brings what comes after `cursor` (a position,
   * '' when none is known): the element's resume cursor until an event with an id says otherwise,
   * as a stream of its own would have told it with its opening cursor.
   */
  opened(cursor: string): void;
  /** An event of one of its channels (or one for every channel, such as a heartbeat). */
  event(type: string, data: string, id: string): void;
  /** The shared stream failed or ended; the subscription is over. */
  dropped(end: StreamEnd): void;
}

/**
 * A tab's side of one subscription: it lets each event through once. After the shared stream was
 * replaced (new union, new leader), the new one replays from an older position: what this
 * subscription already had is dropped per channel, by position.
 */
export class TabSubscription {
  readonly key: string;
  readonly #request: SubscriptionRequest;
  readonly #listener: SubscriptionListener;
  /** Nothing at or before this position is for this subscription. */
  #floor: string;
  /** The newest position delivered or passed: where a replacement stream must resume. */
  #position: string;
  readonly #delivered = new Map<string, string>();
  #opened = false;

  /**
   * @param key - `<tabId>:<n>`.
   * @param request - channels, the element's cursor and heartbeat timeout.
   * @param listener - its dialect adapter.
   */
  constructor(key: string, request: SubscriptionRequest, listener: SubscriptionListener) {
    this.key = key;
    this.#request = request;
    this.#floor = positionOf(request.cursor);
    this.#position = this.#floor;
    this.#listener = listener;
  }

  /** The request to send a hub now: a replacement stream must resume from this subscription's position. */
  get request(): SubscriptionRequest {
    return { ...this.#request, cursor: this.#position };
  }

  /** The hub put it on a stream that starts after `cursor`. Only the first open counts. */
  opened(cursor: string): void {
    if (this.#opened) return;
    this.#opened = true;
    this.#floor ||= positionOf(cursor);
    this.#position = laterPosition(this.#position, this.#floor);
    this.#listener.opened(this.#position);
  }

  /** An event routed to it: delivered unless it had it already. */
  event(type: string, data: string, id: string): void {
    const { channel } = splitStreamEventId(id);
    const position = positionOf(id);
    if (position && channel !== undefined) {
      const seen = laterPosition(this.#floor, this.#delivered.get(channel) ?? '');
      if (!isAfter(position, seen)) return;
      this.#delivered.set(channel, position);
    }
    this.#position = laterPosition(this.#position, position);
    this.#listener.event(type, data, id);
  }

  /** The stream is gone. */
  dropped(end: StreamEnd): void {
    this.#listener.dropped(end);
  }
}
