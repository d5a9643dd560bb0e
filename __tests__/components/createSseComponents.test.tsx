import { createSseComponents } from '../../components/createSseComponents';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { parseMarkup } from './parsedMarkup';

describe('createSseComponents', () => {
  it('binds the dialect and prefix of the app to every component', () => {
    const { SseElement, SseHead, ConnectionMonitor, dialect, prefix } = createSseComponents({
      dialect: 'htmx4',
      prefix: '/live',
    });
    expect([dialect, prefix]).toEqual(['htmx4', '/live']);
    const element = parseMarkup(<SseElement connectionId="a" channel="news" />).querySelector('div');
    expect(element?.getAttribute('hx-sse:connect')).toBe('/live/news');
    expect(element?.hasAttribute('sse-connect')).toBe(false);
    expect(
      parseMarkup(<SseHead />)
        .querySelectorAll('script')
        .map((script) => script.getAttribute('src')),
    ).toEqual(['/live/_assets/htmx4.js', '/live/_assets/hx-sse.js', '/live/_assets/monitor.js']);
    expect(
      parseMarkup(<ConnectionMonitor connectionId="a" />)
        .querySelector('#sse-status-a')
        ?.hasAttribute('data-sse-monitor'),
    ).toBe(true);
  });

  it('lets one component override the app dialect', () => {
    const { SseElement } = createSseComponents({ dialect: 'htmx4' });
    const element = parseMarkup(<SseElement connectionId="a" channel="news" dialect="htmx2" />).querySelector('div');
    expect([element?.getAttribute('hx-ext'), element?.getAttribute('sse-connect')]).toEqual(['sse', '/sse/news']);
  });

  it('defaults to htmx 2 under /sse', () => {
    const { dialect, prefix } = createSseComponents();
    expect([dialect, prefix]).toEqual(['htmx2', '/sse']);
  });

  it('turns the shared stream off for the whole app', () => {
    const sharedMeta = (head: JSX.Element) =>
      parseMarkup(head).querySelectorAll('meta[name="sse-shared-stream"]').length;
    expect(sharedMeta(createSseComponents().SseHead())).toBe(1);
    expect(sharedMeta(createSseComponents({ sharedStream: false }).SseHead())).toBe(0);
    expect(() => createSseComponents({ sharedStream: 'off' as unknown as boolean })).toThrow(
      new TypeError('createSseComponents: option "sharedStream" must be a boolean, got "off"'),
    );
  });

  it('throws a TypeError for a bad dialect or prefix', () => {
    expect(() => createSseComponents({ dialect: 'htmx3' as 'htmx2' })).toThrow(
      new TypeError('createSseComponents: option "dialect" must be one of "htmx2", "htmx4", got "htmx3"'),
    );
    expect(() => createSseComponents({ prefix: '/sse/' })).toThrow(TypeError);
  });

  it('with a broadcaster, puts the cursor at render time into every channel stream URL', async () => {
    const broadcaster = createBroadcaster();
    await broadcaster.publish('elsewhere', { data: 'x' });
    const cursor = await broadcaster.cursor();
    const { SseElement } = createSseComponents({ broadcaster });
    const html = await (<SseElement connectionId="a" channels={['news', 'sport']} />);
    expect(parseMarkup(html).querySelector('div')?.getAttribute('sse-connect')).toBe(
      `/sse?channels=news,sport&lastEventId=${cursor}`,
    );
    // An explicit cursor or URL is left as given.
    const explicit = parseMarkup(<SseElement connectionId="b" channel="news" lastEventId="1-1" />);
    expect(explicit.querySelector('div')?.getAttribute('sse-connect')).toBe('/sse/news?lastEventId=1-1');
    await broadcaster.close();
  });

  it('without a readable cursor still renders the element, which then starts where its stream opens', async () => {
    const { SseElement } = createSseComponents({ broadcaster: { cursor: () => Promise.reject(new Error('down')) } });
    const html = await (<SseElement connectionId="a" channel="news" />);
    expect(parseMarkup(html).querySelector('div')?.getAttribute('sse-connect')).toBe('/sse/news');
  });

  it('throws a TypeError for a broadcaster without cursor()', () => {
    expect(() => createSseComponents({ broadcaster: {} as never })).toThrow(
      /createSseComponents: option "broadcaster" must be a Broadcaster/,
    );
  });
});
