/**
 * The messages between a tab and the hub that owns the shared stream (a SharedWorker, or the
 * leader tab in the fallback). Every subscription has a key `<tabId>:<n>`, so a hub can tell which
 * tab holds it and a relay can route by key without knowing the tabs.
 */
import type { StreamEnd } from '../streamEnd';

/** A tab announces itself (to the worker, which then learns when the tab goes away). */
export interface HelloMessage {
  kind: 'hello';
  tabId: string;
}

/** What a subscription asks for. */
export interface SubscriptionRequest {
  channels: string[];
  /** A position or stream event id to resume after; '' for "from now on". */
  cursor: string;
  /**
   * The element's heartbeat timeout (0: none): a stream silent that long is dead, so a
   * subscription arriving then (an element reconnecting after its timeout) gets a new stream.
   */
  silenceMs: number;
}

/** A tab needs a subscription. */
export interface SubscribeMessage extends SubscriptionRequest {
  kind: 'subscribe';
  key: string;
}

/** A tab no longer needs a subscription. */
export interface UnsubscribeMessage {
  kind: 'unsubscribe';
  key: string;
}

/** What a tab sends to the hub. */
export type TabMessage = HelloMessage | SubscribeMessage | UnsubscribeMessage;

/** The worker accepted a tab's hello. */
export interface ReadyMessage {
  kind: 'ready';
}

/** The fallback's new leader asks every tab to subscribe again. */
export interface LeaderMessage {
  kind: 'leader';
}

/** Subscriptions are on the stream; `cursor` is the stream position they start after. */
export interface OpenMessage {
  kind: 'open';
  keys: string[];
  cursor: string;
}

/** One event for the subscriptions in `keys`; `id` is its stream event id ('' when it had none). */
export interface EventMessage {
  kind: 'event';
  keys: string[];
  type: string;
  data: string;
  id: string;
}

/** The stream failed or ended: these subscriptions are over. */
export interface DroppedMessage {
  kind: 'dropped';
  keys: string[];
  /** Why (a refusal carries its status). */
  end: StreamEnd;
}

/** What a hub sends to the tabs. */
export type HubMessage = ReadyMessage | LeaderMessage | OpenMessage | EventMessage | DroppedMessage;

/** The tab part of a subscription key. */
export function tabOfKey(key: string): string {
  const colon = key.lastIndexOf(':');
  return colon === -1 ? key : key.slice(0, colon);
}
