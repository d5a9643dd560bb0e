/** What a broadcaster reports: what a publish resolves with, its stats, and the events it emits. */
import type { Bus } from './bus';
import type { RegistryStats } from './connectionRegistry';
import type { PublishReceipt } from './eventLog';
import type { CloseReason } from './eventStreamWriter';
import type { ViewFailure } from './eventViews';
import type { ConnectionInfo } from './sseConnection';

/** A publish as it resolves: the bus's receipt, or `dropped` when a publish hook dropped it (then `id` is ''). */
export interface PublishResult extends PublishReceipt {
  /** True when a publish hook returned null: nothing was stored or sent. */
  dropped: boolean;
}

/** Broadcaster statistics: the registry's counts plus the bus's state. */
export interface BroadcasterStats extends RegistryStats {
  /** Events published through this broadcaster. */
  published: number;
  /**
   * Of those, keyed events that superseded an event of their key that history still held (which
   * left history then: a client that comes back is not replayed it).
   */
  superseded: number;
  /** The bus's own view of its health. */
  bus: ReturnType<Bus['state']>;
}

/** A published event, as reported by the `publish` event. */
export interface PublishedEvent extends PublishReceipt {
  channel: string;
  event: string | undefined;
}

/** The events a broadcaster emits, typed. */
export interface BroadcasterEvents<M> {
  connect: [connection: ConnectionInfo<M>];
  disconnect: [connection: ConnectionInfo<M>, reason: CloseReason];
  publish: [event: PublishedEvent];
  /** A reconnecting stream's `Last-Event-ID` was answered: with the missed events and, per channel out of history, a gap event. */
  replay: [connection: ConnectionInfo<M>, outcome: ReplayOutcome];
  /** A view (`broadcaster.view`) failed: its audience did not get the event (without a listener, the debug log tells). */
  viewError: [error: Error, failure: ViewFailure];
}

/** How a `Last-Event-ID` was answered, as reported by the `replay` event. */
export interface ReplayOutcome {
  /** Events sent from history. */
  replayed: number;
  /** Channels of the stream that got a gap event instead. */
  gaps: number;
}
