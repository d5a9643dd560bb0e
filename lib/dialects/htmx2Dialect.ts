import { Htmx2Binding } from '../browser/htmx2Binding';
import { watchHtmx2Swaps } from '../browser/htmx2Swaps';
import { type EventSourceOpener, ManagedEventSource } from '../browser/managedEventSource';
import { sharedEventSourceOpener } from '../browser/sharedStream/sharedStreams';
import type { DialectDescriptor } from './dialectDescriptor';

/** The part of htmx 2's global the dialect uses. */
interface Htmx2Global {
  version?: string;
  createEventSource?: (url: string) => unknown;
  swap?: (
    target: Element,
    content: string,
    swapSpec: { swapStyle: string },
    options: { contextElement: Element },
  ) => void;
}

const CONNECT_ATTRIBUTES = ['sse-connect', 'data-sse-connect'];

/** The `sse-connect` URL of an htmx 2 element, if it is one. */
function connectUrl(element: Element): string | null {
  for (const name of CONNECT_ATTRIBUTES) {
    const url = element.getAttribute(name);
    if (url) return url;
  }
  return null;
}

/** A supervised element's binding, and where its EventSources open when it is on the shared stream. */
interface BoundElement {
  binding: Htmx2Binding;
  openThrough: EventSourceOpener | undefined;
}

const bound = new WeakMap<Element, BoundElement>();

/**
 * htmx 2 with `htmx-ext-sse`: `<div hx-ext="sse" sse-connect sse-swap [sse-close]>`.
 *
 * The extension creates each element's EventSource through `htmx.createEventSource(url)`, while
 * htmx runs `htmx:afterProcessNode` for that element (the DOM event first, then the extension).
 * So the runtime notes the element of that event and hands the factory's
 * {@link ManagedEventSource} to its binding a microtask later, once the extension has attached its
 * listeners; a source of an element nobody monitors opens as a plain EventSource.
 */
export const htmx2Dialect: DialectDescriptor<'htmx2'> = {
  name: 'htmx2',
  assets: [
    { file: 'htmx2.js', source: 'htmx.org/dist/htmx.min.js' },
    { file: 'htmx-ext-sse.js', source: 'htmx-ext-sse/dist/sse.min.js' },
  ],
  connectAttributes: ({ url, swapEvents, closeEvent }) => ({
    'hx-ext': 'sse',
    'sse-connect': url,
    'sse-swap': swapEvents.join(','),
    'sse-close': closeEvent,
  }),
  runtime: {
    connectUrl,
    install(host) {
      let processing: Element | undefined;
      const createEventSource = (url: string): ManagedEventSource => {
        const source = new ManagedEventSource(url);
        const element = processing && connectUrl(processing) === url ? processing : undefined;
        processing = undefined;
        queueMicrotask(() => {
          const supervisor = element && host.supervise(element);
          const entry = element && bound.get(element);
          if (!supervisor || !entry) return void source.open();
          if (entry.openThrough) source.openThrough(entry.openThrough);
          entry.binding.adopt(source, supervisor.lastEventId);
        });
        return source;
      };
      const installFactory = (): void => {
        const htmx = (window as { htmx?: Htmx2Global }).htmx;
        if (htmx?.version?.startsWith('2.')) htmx.createEventSource = createEventSource;
      };
      const afterProcessNode = (event: Event): void => {
        processing = event.target instanceof Element && connectUrl(event.target) ? event.target : undefined;
      };
      installFactory();
      // htmx loaded after the runtime: its factory is replaced before htmx processes the page.
      document.addEventListener('DOMContentLoaded', installFactory, { once: true });
      document.addEventListener('htmx:afterProcessNode', afterProcessNode, true);
      return () => {
        document.removeEventListener('DOMContentLoaded', installFactory);
        document.removeEventListener('htmx:afterProcessNode', afterProcessNode, true);
      };
    },
    bind(element, supervisor, shared) {
      const binding = new Htmx2Binding(element, supervisor);
      const openThrough = shared && sharedEventSourceOpener(shared, supervisor.config.heartbeatTimeoutMs);
      bound.set(element, { binding, openThrough });
      return binding;
    },
    watchSwaps: watchHtmx2Swaps,
    async swapContent(element, html) {
      const htmx = (window as { htmx?: Htmx2Global }).htmx;
      if (!htmx?.swap) throw new Error('htmx 2 is not loaded');
      htmx.swap(element, html, { swapStyle: 'innerHTML' }, { contextElement: element });
    },
  },
};
