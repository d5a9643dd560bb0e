import type { HubMessage, TabMessage } from './sharedStreamMessages';

/** Where a shared stream's hub runs: a SharedWorker, or the leader tab of the fallback. */
export type HubKind = 'worker' | 'leader tab';

/** A tab's line to the hub of its shared stream (a SharedWorker port, or the fallback's relay). */
export interface HubTransport {
  /** Where the hub runs. */
  readonly kind: HubKind;
  /** Sends a message to the hub. */
  post(message: TabMessage): void;
  /** Hangs up. */
  close(): void;
}

/** Where a transport delivers what the hub says (every tab filters by its own keys). */
export type HubReceiver = (message: HubMessage) => void;
