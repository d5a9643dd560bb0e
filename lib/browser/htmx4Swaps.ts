import type { SwapReport } from '../dialects/dialectDescriptor';
import { htmx4ConnectUrl } from './htmx4Binding';

/** A swap task as htmx 4 hands it to `htmx:before:swap` listeners. */
interface SwapTask {
  target?: unknown;
  swapSpec?: { style?: unknown };
}

/** The elements a swap's tasks put content into (the main swap unless `none`, and out-of-band targets). */
function targetsOf(tasks: unknown): Element[] {
  if (!Array.isArray(tasks)) return [];
  return (tasks as SwapTask[])
    .filter((task) => task.swapSpec?.style !== 'none')
    .map((task) => task.target)
    .filter((target): target is Element => target instanceof Element);
}

/**
 * Reports htmx 4's swaps of SSE messages. `hx-sse` handles one message of an element at a time:
 * `htmx:sse:before:message`, then for an unnamed one `htmx.swap` (whose `htmx:before:swap` on the
 * element lists its tasks and their targets), then `htmx:sse:after:message` with the message. A
 * named message is dispatched as a DOM event instead, and reported with no target.
 */
export function watchHtmx4Swaps(report: (swap: SwapReport) => void): () => void {
  const pending = new WeakMap<Element, Element[]>();
  const connectElement = (event: Event): Element | undefined =>
    event.target instanceof Element && htmx4ConnectUrl(event.target) ? event.target : undefined;
  const onBeforeMessage = (event: Event): void => {
    const element = connectElement(event);
    if (element) pending.delete(element);
  };
  const onBeforeSwap = (event: Event): void => {
    const element = connectElement(event);
    if (element) pending.set(element, targetsOf((event as CustomEvent<{ tasks?: unknown }>).detail?.tasks));
  };
  const onAfterMessage = (event: Event): void => {
    const element = connectElement(event);
    const message = (event as CustomEvent<{ message?: { event?: string; id?: string } }>).detail?.message;
    if (!element || !message) return;
    const targets = pending.get(element) ?? [];
    pending.delete(element);
    report({ element, event: message.event || 'message', id: message.id ?? '', targets });
  };
  const listeners: [string, (event: Event) => void][] = [
    ['htmx:sse:before:message', onBeforeMessage],
    ['htmx:before:swap', onBeforeSwap],
    ['htmx:sse:after:message', onAfterMessage],
  ];
  for (const [name, listener] of listeners) document.addEventListener(name, listener, true);
  return () => {
    for (const [name, listener] of listeners) document.removeEventListener(name, listener, true);
  };
}
