import { ASSET_FILES } from '../../protocol/monitorContract';
import { assetPath } from '../../protocol/streamPaths';
import type { HubKind, HubTransport } from './hubTransport';
import { LeaderRelay } from './leaderRelay';
import type { HubMessage, SubscriptionRequest, TabMessage } from './sharedStreamMessages';
import { holdTabPresence } from './tabPresence';
import { type SubscriptionListener, TabSubscription } from './tabSubscription';
import { connectSharedWorker } from './workerTransport';

/** A subscription as its adapter holds it. */
export interface SharedSubscription {
  /** Leaves the shared stream. */
  close(): void;
}

function newTabId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * A tab's access to the one stream its browser keeps for a prefix: through the SharedWorker
 * served from `{prefix}/_assets/`, else through the leader-tab relay. Elements subscribe with
 * their channels and cursor and get only their channels' events, each once.
 */
export class SharedStreamClient {
  /** The middleware's mount path. */
  readonly prefix: string;
  /** This tab among the browser's tabs: what names it in `SSE-Connection-Id` (`<stream id>/<tab id>`). */
  readonly tabId = newTabId();
  readonly #subscriptions = new Map<string, TabSubscription>();
  /** Nothing reaches a hub before this tab's presence lock is held. */
  readonly #present: Promise<void>;
  #transport: HubTransport;
  #next = 0;

  /** @param prefix - the middleware's mount path, e.g. `/sse`. */
  constructor(prefix: string) {
    this.prefix = prefix;
    this.#present = holdTabPresence(this.tabId);
    this.#transport =
      connectSharedWorker(assetPath(prefix, ASSET_FILES.sharedStreamWorker), this.#receive, () => this.#fallBack()) ??
      new LeaderRelay(prefix, this.#receive);
    this.#post({ kind: 'hello', tabId: this.tabId });
  }

  /** Where the hub of this tab's shared stream runs now: the SharedWorker, or a leader tab (this one or another). */
  get hub(): HubKind {
    return this.#transport.kind;
  }

  /** Subscribes to the request's channels after its cursor. */
  subscribe(request: SubscriptionRequest, listener: SubscriptionListener): SharedSubscription {
    this.#next += 1;
    const subscription = new TabSubscription(`${this.tabId}:${this.#next}`, request, listener);
    this.#subscriptions.set(subscription.key, subscription);
    this.#post({ kind: 'subscribe', key: subscription.key, ...request });
    return {
      close: () => {
        if (this.#subscriptions.delete(subscription.key)) this.#post({ kind: 'unsubscribe', key: subscription.key });
      },
    };
  }

  #post(message: TabMessage): void {
    this.#present.then(() => this.#transport.post(message));
  }

  /** The worker could not start: the leader relay takes over every subscription. */
  #fallBack(): void {
    this.#transport.close();
    this.#transport = new LeaderRelay(this.prefix, this.#receive);
    this.#resubscribeAll();
  }

  #resubscribeAll(): void {
    for (const { key, request } of this.#subscriptions.values()) this.#post({ kind: 'subscribe', key, ...request });
  }

  readonly #receive = (message: HubMessage): void => {
    if (message.kind === 'leader') this.#resubscribeAll();
    if (message.kind === 'leader' || message.kind === 'ready') return;
    for (const key of message.keys) {
      const subscription = this.#subscriptions.get(key);
      if (!subscription) continue;
      if (message.kind === 'open') subscription.opened(message.cursor);
      else if (message.kind === 'event') subscription.event(message.type, message.data, message.id);
      else {
        this.#subscriptions.delete(key);
        subscription.dropped(message.end);
      }
    }
  };
}
