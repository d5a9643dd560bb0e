import type { SwapReport } from '../dialects/dialectDescriptor';

const CONNECT_SELECTOR = '[sse-connect],[data-sse-connect]';

/**
 * Reports htmx 2's swaps of SSE messages. `htmx-ext-sse` swaps a message synchronously inside the
 * EventSource's listener: its out-of-band targets first (`htmx:oobBeforeSwap` on each), then it
 * fires `htmx:sseMessage` on the `sse-swap` element with the `MessageEvent` as `detail`. So the
 * targets seen since the last report, within the same task, belong to the message it names.
 */
export function watchHtmx2Swaps(report: (swap: SwapReport) => void): () => void {
  let outOfBand: Element[] = [];
  const onOutOfBand = (event: Event): void => {
    const target = (event as CustomEvent<{ target?: unknown; shouldSwap?: unknown }>).detail?.target;
    if (!(target instanceof Element)) return;
    // Anything left over (a swap that was not an SSE message's) is dropped once the task is done.
    if (outOfBand.length === 0)
      queueMicrotask(() => {
        outOfBand = [];
      });
    outOfBand.push(target);
  };
  const onMessage = (event: Event): void => {
    const swapper = event.target;
    const message = (event as CustomEvent<unknown>).detail;
    if (!(swapper instanceof Element) || !(message instanceof MessageEvent)) return;
    const targets = [swapper, ...outOfBand];
    outOfBand = [];
    const element = swapper.closest(CONNECT_SELECTOR) ?? swapper;
    report({ element, event: message.type, id: message.lastEventId, targets });
  };
  document.addEventListener('htmx:oobBeforeSwap', onOutOfBand, true);
  document.addEventListener('htmx:sseMessage', onMessage, true);
  return () => {
    document.removeEventListener('htmx:oobBeforeSwap', onOutOfBand, true);
    document.removeEventListener('htmx:sseMessage', onMessage, true);
  };
}
