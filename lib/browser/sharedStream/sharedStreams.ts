import { SHARED_STREAM_ATTRIBUTE, SHARED_STREAM_META } from '../../protocol/monitorContract';
import type { EventSourceOpener } from '../managedEventSource';
import { canRelay } from './leaderRelay';
import { SharedEventSource } from './sharedEventSource';
import { type FetchFunction, sharedFetch } from './sharedFetch';
import { SharedStreamClient } from './sharedStreamClient';
import { type StreamAddress, streamAddressOf } from './streamAddress';

/** An element's place on a shared stream. */
export interface SharedStreamChoice {
  client: SharedStreamClient;
  target: StreamAddress;
}

const clients = new Map<string, SharedStreamClient>();

/** The prefixes `<SseHead>` declared shared on this page. */
function sharedPrefixes(): Set<string> {
  const metas = document.querySelectorAll(`meta[name="${SHARED_STREAM_META}"]`);
  return new Set([...metas].map((meta) => meta.getAttribute('content') ?? ''));
}

/**
 * The shared stream an element's URL goes through, or undefined for a private stream: sharing
 * is off for the page (no `<meta name="sse-shared-stream">`) or the element (`data-sse-shared="off"`),
 * the URL is not one of a shared prefix, or the browser has neither `SharedWorker` nor Web Locks
 * with `BroadcastChannel`. One client per prefix and tab.
 */
export function sharedStreamFor(element: Element, url: string): SharedStreamChoice | undefined {
  if (element.getAttribute(SHARED_STREAM_ATTRIBUTE) === 'off') return undefined;
  if (typeof SharedWorker !== 'function' && !canRelay()) return undefined;
  const target = streamAddressOf(url);
  if (!target || !sharedPrefixes().has(target.prefix)) return undefined;
  let client = clients.get(target.prefix);
  if (!client) {
    client = new SharedStreamClient(target.prefix);
    clients.set(target.prefix, client);
  }
  return { client, target };
}

/** Opens an htmx 2 element's streams on the shared stream; `silenceMs` is its heartbeat timeout. */
export function sharedEventSourceOpener(choice: SharedStreamChoice, silenceMs: number): EventSourceOpener {
  return (url) => {
    const cursor = streamAddressOf(url)?.cursor ?? choice.target.cursor;
    return new SharedEventSource(url, { channels: choice.target.channels, cursor, silenceMs }, choice.client);
  };
}

/** Answers an htmx 4 element's stream requests from the shared stream; `silenceMs` is its heartbeat timeout. */
export function sharedFetchOf(
  choice: SharedStreamChoice,
  silenceMs: number,
): (fallback: FetchFunction) => FetchFunction {
  return (fallback) => sharedFetch(choice.client, silenceMs, fallback);
}
