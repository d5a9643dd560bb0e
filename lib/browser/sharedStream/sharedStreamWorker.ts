/**
 * Entry of the SharedWorker (built to `dist/browser/shared-stream.js`, served as
 * `{prefix}/_assets/shared-stream.js`): one per browser and prefix, it owns the prefix's one
 * stream for every tab. The prefix is read from the worker's own URL.
 */
import { ASSET_FILES } from '../../protocol/monitorContract';
import type { HubMessage, TabMessage } from './sharedStreamMessages';
import { tabOfKey } from './sharedStreamMessages';
import { StreamHub } from './streamHub';
import { whenTabGone } from './tabPresence';

/** The part of the SharedWorker global scope used here (the page's DOM typings lack it). */
interface SharedWorkerScope {
  onconnect: ((event: MessageEvent) => void) | null;
}

const ports = new Map<string, MessagePort>();
const prefix = location.pathname.slice(0, -`/_assets/${ASSET_FILES.sharedStreamWorker}`.length) || '/';

/** Sends one message per tab, with that tab's keys only. */
function emit(message: HubMessage): void {
  if (!('keys' in message)) return;
  const byTab = new Map<string, string[]>();
  for (const key of message.keys) {
    const tabId = tabOfKey(key);
    const keys = byTab.get(tabId);
    if (keys) keys.push(key);
    else byTab.set(tabId, [key]);
  }
  for (const [tabId, keys] of byTab) ports.get(tabId)?.postMessage({ ...message, keys });
}

const hub = new StreamHub(prefix, emit);

(self as unknown as SharedWorkerScope).onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = ({ data }: MessageEvent<TabMessage>) => {
    if (data.kind !== 'hello') return hub.handle(data);
    ports.set(data.tabId, port);
    whenTabGone(data.tabId, () => ports.delete(data.tabId));
    port.postMessage({ kind: 'ready' } satisfies HubMessage);
  };
};
