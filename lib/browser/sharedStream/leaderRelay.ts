import type { HubReceiver, HubTransport } from './hubTransport';
import type { HubMessage, TabMessage } from './sharedStreamMessages';
import { StreamHub } from './streamHub';
import { hasWebLocks } from './tabPresence';

const LEADER_LOCK = 'express-htmx-sse:leader:';
const RELAY_CHANNEL = 'express-htmx-sse:relay:';

/** Whether this browser can run the fallback (Web Locks and BroadcastChannel). */
export function canRelay(): boolean {
  return hasWebLocks() && typeof BroadcastChannel === 'function';
}

/**
 * The fallback where `SharedWorker` is missing: every tab asks for one Web Lock per prefix, and the
 * tab holding it leads: it runs the {@link StreamHub} and relays over a `BroadcastChannel`. When
 * the leader tab goes away, the browser hands the lock to the next tab, which announces itself
 * (`leader`); every tab then subscribes again from its own cursor, so the new stream resumes
 * where each one stopped.
 */
export class LeaderRelay implements HubTransport {
  readonly kind = 'leader tab';
  readonly #prefix: string;
  readonly #receive: HubReceiver;
  readonly #channel: BroadcastChannel;
  #hub: StreamHub | undefined;
  #resign: (() => void) | undefined;
  #closed = false;

  /**
   * @param prefix - the middleware's mount path.
   * @param receive - this tab's receiver.
   */
  constructor(prefix: string, receive: HubReceiver) {
    this.#prefix = prefix;
    this.#receive = receive;
    this.#channel = new BroadcastChannel(RELAY_CHANNEL + prefix);
    this.#channel.onmessage = (event: MessageEvent<TabMessage | HubMessage>) => this.#onMessage(event.data);
    navigator.locks.request(LEADER_LOCK + prefix, () => this.#lead());
    addEventListener('pagehide', this.#onPageHide);
  }

  post(message: TabMessage): void {
    if (this.#closed) return;
    if (this.#hub) this.#hub.handle(message);
    else this.#channel.postMessage(message);
  }

  close(): void {
    removeEventListener('pagehide', this.#onPageHide);
    this.#closed = true;
    this.#hub?.close();
    this.#hub = undefined;
    this.#resign?.();
    this.#channel.close();
  }

  /**
   * A page that unloads resigns at once: the browser would release the lock only once it has torn
   * the page down, which a busy machine can take seconds to do, and the other tabs would wait that
   * long for their stream. A page kept in the back/forward cache keeps its place.
   */
  readonly #onPageHide = (event: PageTransitionEvent): void => {
    if (!event.persisted) this.close();
  };

  #onMessage(message: TabMessage | HubMessage): void {
    if (message.kind === 'subscribe' || message.kind === 'unsubscribe') this.#hub?.handle(message);
    else if (message.kind !== 'hello') this.#receive(message);
  }

  /** Holds the lock, and so the lead, until this tab goes away or closes the relay. */
  #lead(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#hub = new StreamHub(this.#prefix, (message) => {
      this.#channel.postMessage(message);
      this.#receive(message);
    });
    const announcement: HubMessage = { kind: 'leader' };
    this.#channel.postMessage(announcement);
    this.#receive(announcement);
    return new Promise((resign) => {
      this.#resign = resign;
    });
  }
}
