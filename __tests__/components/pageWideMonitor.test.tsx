import { ConnectionCounter } from '../../components/ConnectionCounter';
import { createSseComponents } from '../../components/createSseComponents';
import { SseHead } from '../../components/SseHead';
import { MONITOR_DEFAULTS } from '../../lib/protocol/monitorContract';
import { parseMarkup } from './parsedMarkup';

function superviseMeta(element: JSX.Element): unknown {
  const content = parseMarkup(element).querySelector('meta[name="sse-supervise"]')?.getAttribute('content');
  return content === undefined ? undefined : JSON.parse(content);
}

describe('<SseHead supervise>', () => {
  it('carries the default monitor options, or the given ones filled in, to the runtime', () => {
    expect(superviseMeta(<SseHead supervise />)).toEqual(MONITOR_DEFAULTS);
    expect(
      superviseMeta(<SseHead supervise={{ reconnectDelayMs: 200, maxReconnectAttempts: Number.POSITIVE_INFINITY }} />),
    ).toEqual({ ...MONITOR_DEFAULTS, reconnectDelayMs: 200, maxReconnectAttempts: null });
    expect(superviseMeta(createSseComponents({ dialect: 'htmx4' }).SseHead({ supervise: { jitter: 0 } }))).toEqual({
      ...MONITOR_DEFAULTS,
      jitter: 0,
    });
  });

  it('renders no meta when off, and puts the meta before the scripts that read it', () => {
    expect(superviseMeta(<SseHead />)).toBeUndefined();
    expect(superviseMeta(<SseHead supervise={false} />)).toBeUndefined();
    const html = String(<SseHead supervise />);
    expect(html.indexOf('sse-supervise')).toBeLessThan(html.indexOf('monitor.js'));
  });

  it('refuses a value that is not a boolean or options, and bad options, naming the value', () => {
    expect(() => <SseHead supervise={'yes' as unknown as boolean} />).toThrow(
      new TypeError('SseHead: supervise must be a boolean or monitor options, got "yes"'),
    );
    expect(() => <SseHead supervise={null as unknown as boolean} />).toThrow(TypeError);
    expect(() => <SseHead supervise={{ jitter: 2 }} />).toThrow(
      new TypeError('SseHead supervise: option "jitter" must be a number from 0 to 1, got 2'),
    );
    expect(() => <SseHead supervise={{ callbacks: { lost: 'f' } as never }} />).toThrow(/"lost"/);
  });
});

describe('<ConnectionCounter mode="page">', () => {
  it('renders an element the runtime writes the page count into, with no request', () => {
    const span = parseMarkup(<ConnectionCounter mode="page" class="count big" />).querySelector('span');
    expect(span?.hasAttribute('data-sse-page-count')).toBe(true);
    expect([span?.getAttribute('class'), span?.getAttribute('aria-live'), span?.text]).toEqual([
      'count big',
      'polite',
      '',
    ]);
    expect(span?.getAttribute('hx-get')).toBeUndefined();
    expect(span?.getAttribute('hx-trigger')).toBeUndefined();
    // Bound by createSseComponents (which hands it the prefix), it is the same.
    const bound = parseMarkup(createSseComponents({ prefix: '/live' }).ConnectionCounter({ mode: 'page' }));
    expect(bound.querySelector('span')?.hasAttribute('data-sse-page-count')).toBe(true);
  });

  it('keeps polling the server in the default mode', () => {
    const span = parseMarkup(<ConnectionCounter />).querySelector('span');
    expect([span?.getAttribute('hx-get'), span?.hasAttribute('data-sse-page-count')]).toEqual([
      '/sse/_stats/count',
      false,
    ]);
  });

  it('refuses an unknown mode, and the server-mode props in page mode, naming the value', () => {
    expect(() => <ConnectionCounter mode={'tab' as 'page'} />).toThrow(
      new TypeError('ConnectionCounter: option "mode" must be one of "server", "page", got "tab"'),
    );
    expect(() => <ConnectionCounter mode="page" channel="board" />).toThrow(
      new TypeError('ConnectionCounter: option "channel" must be left out in page mode, got "board"'),
    );
    expect(() => <ConnectionCounter mode="page" intervalMs={1000} />).toThrow(/"intervalMs" .* got 1000/);
  });
});
