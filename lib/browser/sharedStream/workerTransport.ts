import type { HubReceiver, HubTransport } from './hubTransport';
import type { HubMessage } from './sharedStreamMessages';

/** The SharedWorker's name: one worker per origin, script URL (so per prefix) and name. */
const WORKER_NAME = 'express-htmx-sse';

/**
 * Connects to the SharedWorker that owns the stream, or gives undefined where the browser has no
 * `SharedWorker` or refuses to create it. `failed` is called when the worker could not start
 * (a CSP without `worker-src`, a missing script) before it ever answered.
 */
export function connectSharedWorker(
  scriptUrl: string,
  receive: HubReceiver,
  failed: () => void,
): HubTransport | undefined {
  if (typeof SharedWorker !== 'function') return undefined;
  let worker: SharedWorker;
  try {
    worker = new SharedWorker(scriptUrl, { name: WORKER_NAME });
  } catch {
    return undefined;
  }
  let answered = false;
  worker.addEventListener('error', () => {
    if (!answered) failed();
  });
  worker.port.addEventListener('message', (event: MessageEvent<HubMessage>) => {
    answered = true;
    receive(event.data);
  });
  worker.port.start();
  return {
    kind: 'worker',
    post: (message) => worker.port.postMessage(message),
    close: () => worker.port.close(),
  };
}
