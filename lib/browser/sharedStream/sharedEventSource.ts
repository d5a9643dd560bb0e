import { READY_STATE } from '../readyState';
import type { StreamEnd } from '../streamEnd';
import type { SharedStreamClient, SharedSubscription } from './sharedStreamClient';
import type { SubscriptionRequest } from './sharedStreamMessages';

const { CONNECTING, OPEN, CLOSED } = READY_STATE;

type Handler = ((event: Event) => unknown) | null;

/**
 * An `EventSource` look-alike fed by the shared stream: what htmx 2's extension reads for an
 * element whose stream is shared. It opens when the subscription is on the stream, dispatches
 * each of its channels' events as a `MessageEvent` (with the stream event id as `lastEventId`),
 * and reports the shared stream's end as an error (CLOSED when the server refused it), so the
 * monitor reconnects exactly as for a private stream; unlike an `EventSource`, it tells why
 * (`end`: a refusal's status), so a 401 or 403 needs no second request to learn it.
 */
export class SharedEventSource extends EventTarget {
  /** The element's stream URL. */
  readonly url: string;
  readonly withCredentials = true;
  readyState: number = CONNECTING;
  onopen: Handler = null;
  onerror: Handler = null;
  /** Why the shared stream ended for this source, once it did. */
  end: StreamEnd | undefined;
  readonly #subscription: SharedSubscription;
  /** As an `EventSource`'s: the latest id seen, starting from where the shared stream put it, so every event tells the monitor its resume cursor. */
  #lastEventId = '';

  /**
   * @param url - the element's stream URL.
   * @param request - what it asks for.
   * @param client - this tab's shared stream.
   */
  constructor(url: string, request: SubscriptionRequest, client: SharedStreamClient) {
    super();
    this.url = url;
    this.#subscription = client.subscribe(request, {
      opened: (cursor) => {
        this.#lastEventId = cursor;
        this.readyState = OPEN;
        this.#fire(new Event('open'), this.onopen);
      },
      event: (type, data, id) => {
        if (id) this.#lastEventId = id;
        this.dispatchEvent(new MessageEvent(type, { data, lastEventId: this.#lastEventId }));
      },
      dropped: (end) => {
        this.end = end;
        this.readyState = end.status === undefined ? CONNECTING : CLOSED;
        this.#fire(new Event('error'), this.onerror);
      },
    });
  }

  /** Leaves the shared stream. */
  close(): void {
    this.readyState = CLOSED;
    this.#subscription.close();
  }

  #fire(event: Event, handler: Handler): void {
    this.dispatchEvent(event);
    handler?.call(this, event);
  }
}
