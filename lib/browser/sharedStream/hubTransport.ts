import type { HubMessage, TabMessage } from './sharedStreamMessages';

/** A tab's line to the hub of its shared stream (a SharedWorker port, or the fallback's relay). */
export interface HubTransport {
  /** Sends a message to the hub. */
  post(message: TabMessage): void;
  /** Hangs up. */
  close(): void;
}

/** Where a transport delivers what the hub says (every tab filters by its own keys). */
export type HubReceiver = (message: HubMessage) => void;
