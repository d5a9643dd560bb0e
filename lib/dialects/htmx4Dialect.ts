import { Htmx4Binding, type Htmx4Global, htmx4ConnectUrl } from '../browser/htmx4Binding';
import { watchHtmx4Swaps } from '../browser/htmx4Swaps';
import { sharedFetchOf } from '../browser/sharedStream/sharedStreams';
import { describeValue } from '../validation/describeValue';
import type { DialectDescriptor } from './dialectDescriptor';

/**
 * htmx 4 with its `hx-sse` extension: `<div hx-sse:connect [hx-sse:close]>`. It swaps only the
 * unnamed (`message`) event; named events arrive as DOM events. The runtime binds an element when
 * htmx is about to fetch its stream, and a shared element's stream requests are answered by the
 * shared stream instead of the network.
 */
export const htmx4Dialect: DialectDescriptor<'htmx4'> = {
  name: 'htmx4',
  assets: [
    { file: 'htmx4.js', source: 'htmx4/dist/htmx.min.js' },
    { file: 'hx-sse.js', source: 'htmx4/dist/ext/hx-sse.min.js' },
  ],
  connectAttributes({ url, swapEvents, closeEvent }) {
    const named = swapEvents.filter((name) => name !== 'message');
    if (named.length > 0)
      throw new TypeError(
        `htmx 4 swaps only unnamed (message) events; named events arrive as DOM events: ${describeValue(named)}`,
      );
    return { 'hx-sse:connect': url, 'hx-sse:close': closeEvent };
  },
  runtime: {
    connectUrl: htmx4ConnectUrl,
    install(host) {
      // Capture phase: the supervisor must exist before htmx 4 fetches the stream.
      const beforeRequest = (event: Event): void => {
        if (event.target instanceof Element && htmx4ConnectUrl(event.target)) host.supervise(event.target);
      };
      document.addEventListener('htmx:before:request', beforeRequest, true);
      return () => document.removeEventListener('htmx:before:request', beforeRequest, true);
    },
    bind(element, supervisor, shared) {
      return new Htmx4Binding(
        element,
        supervisor,
        shared && sharedFetchOf(shared, supervisor.config.heartbeatTimeoutMs),
      );
    },
    watchSwaps: watchHtmx4Swaps,
    async swapContent(element, html) {
      const htmx = (window as { htmx?: Partial<Htmx4Global> }).htmx;
      if (!htmx?.swap) throw new Error('htmx 4 is not loaded');
      await htmx.swap({ text: html, sourceElement: element, target: element, swap: 'innerHTML' });
    },
  },
};
