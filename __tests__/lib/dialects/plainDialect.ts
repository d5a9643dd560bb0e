/**
 * A dialect in one file, as a new one would be added: no htmx at all. An element
 * `<div data-plain-connect="{url}" data-plain-close="{event}">` shows the text of each unnamed
 * event, on an EventSource of its own that the monitor supervises. `dialectRegistry.test.tsx`
 * registers it on the server and bundles it into a monitor runtime for Chromium.
 */
import type { ConnectionBinding, ConnectionSignals } from '../../../lib/browser/connectionBinding';
import { lostEnd } from '../../../lib/browser/streamEnd';
import type { DialectDescriptor } from '../../../lib/dialects/dialectDescriptor';
import { CLOSE_EVENT, CONNECTION_EVENT, GAP_EVENT } from '../../../lib/protocol/protocolEvents';

const CONNECT = 'data-plain-connect';
const CLOSE = 'data-plain-close';

/** Binds a monitor to a plain element: one EventSource per connection, resumed through the `lastEventId` query. */
class PlainBinding implements ConnectionBinding {
  #source: EventSource | undefined;

  constructor(
    private readonly element: Element,
    private readonly signals: ConnectionSignals,
  ) {}

  connect(lastEventId: string): void {
    this.disconnect();
    const url = new URL(this.element.getAttribute(CONNECT) ?? '', document.baseURI);
    if (lastEventId) url.searchParams.set('lastEventId', lastEventId);
    const source = new EventSource(url);
    this.#source = source;
    source.onopen = () => this.signals.opened();
    source.onmessage = (event) => {
      this.signals.received(event.lastEventId);
      this.element.textContent = event.data;
    };
    for (const name of [CLOSE_EVENT, GAP_EVENT, CONNECTION_EVENT])
      source.addEventListener(name, (event) => {
        this.signals.received((event as MessageEvent).lastEventId);
        this.signals.protocolEvent(name, (event as MessageEvent).data);
      });
    const close = this.element.getAttribute(CLOSE);
    if (close)
      source.addEventListener(close, () => {
        this.disconnect();
        this.signals.closedByApp();
      });
    source.onerror = () => {
      this.disconnect();
      this.signals.dropped(lostEnd('plain stream failed'));
    };
  }

  disconnect(): void {
    this.#source?.close();
    this.#source = undefined;
  }

  dispose(): void {
    this.disconnect();
  }
}

/** The test dialect. Its one script is the test's own bundle of the runtime with this dialect registered. */
export const plainDialect: DialectDescriptor<'plain'> = {
  name: 'plain',
  assets: [{ file: 'plain-monitor.js', source: 'set by the test: the bundle it builds' }],
  connectAttributes: ({ url, swapEvents, closeEvent }) => {
    if (swapEvents.join() !== 'message') throw new TypeError('the plain dialect swaps only unnamed events');
    return { [CONNECT]: url, [CLOSE]: closeEvent };
  },
  runtime: {
    connectUrl: (element) => element.getAttribute(CONNECT),
    install: () => () => undefined,
    bind: (element, supervisor) => {
      const binding = new PlainBinding(element, supervisor);
      binding.connect(supervisor.lastEventId);
      return binding;
    },
    // Text, as its events are shown.
    swapContent: async (element, html) => {
      element.textContent = html;
    },
  },
};
