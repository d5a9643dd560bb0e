import { ConnectionMonitor } from '../../components/ConnectionMonitor';
import { MONITOR_DEFAULTS } from '../../lib/protocol/monitorContract';
import { parseMarkup } from './parsedMarkup';

const HOSTILE: string = '"><script>alert(1)</script>';

function monitorOf(element: JSX.Element) {
  const root = parseMarkup(element);
  const node = root.querySelector('[data-sse-monitor]');
  if (!node) throw new Error('no monitor container');
  return {
    root,
    node,
    raw: String(element),
    config: JSON.parse(node.getAttribute('data-sse-monitor') ?? 'null') as Record<string, unknown>,
  };
}

describe('<ConnectionMonitor>', () => {
  it('renders the status container with the defaults as JSON data, and no script', () => {
    const { root, node, config } = monitorOf(<ConnectionMonitor connectionId="news" />);
    expect(node.getAttribute('id')).toBe('sse-status-news');
    expect(node.getAttribute('data-sse-state')).toBe('connecting');
    expect(config).toEqual({ connectionId: 'news', statusId: 'sse-status-news', ...MONITOR_DEFAULTS });
    expect(root.querySelectorAll('script')).toHaveLength(0);
  });

  it('carries every option; an unlimited attempt count travels as null', () => {
    const { config } = monitorOf(
      <ConnectionMonitor
        connectionId="a"
        config={{
          autoReconnect: false,
          maxReconnectAttempts: Number.POSITIVE_INFINITY,
          reconnectDelayMs: 250,
          maxBackoffMultiplier: 8,
          jitter: 0,
          pauseWhenHidden: true,
          reconnectWhenVisible: false,
          heartbeatTimeoutMs: 0,
          logToConsole: true,
          callbacks: { connected: 'onLive', error: 'app_onError$' },
        }}
      />,
    );
    expect(config).toEqual({
      connectionId: 'a',
      statusId: 'sse-status-a',
      autoReconnect: false,
      maxReconnectAttempts: null,
      reconnectDelayMs: 250,
      maxBackoffMultiplier: 8,
      jitter: 0,
      pauseWhenHidden: true,
      reconnectWhenVisible: false,
      heartbeatTimeoutMs: 0,
      logToConsole: true,
      callbacks: { connected: 'onLive', error: 'app_onError$' },
    });
  });

  it('passes the indicator props through (size, text, labels)', () => {
    const { node } = monitorOf(
      <ConnectionMonitor connectionId="a" size="lg" showText={false} labels={{ closed: 'Done' }} />,
    );
    expect(node.classList.contains('sse-status--lg')).toBe(true);
    expect(node.querySelector('[data-sse-for="closed"] .sse-status__dot')?.getAttribute('aria-label')).toBe('Done');
  });

  it('keeps a hostile connection id exact in the JSON, with no <, > or & in the attribute', () => {
    const id = `${HOSTILE}&amp;\u2028`;
    const { root, node, raw, config } = monitorOf(<ConnectionMonitor connectionId={id} />);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(config.connectionId).toBe(id);
    expect(node.getAttribute('id')).toBe(`sse-status-${id}`);
    const attribute = /data-sse-monitor="([^"]*)"/.exec(raw)?.[1] ?? '';
    expect(attribute).toMatch(/^\{&#34;connectionId&#34;:&#34;\\&#34;\\u003e\\u003cscript/);
    expect(attribute).not.toMatch(/[<>\u2028]|&(?!#34;)/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a jitter above 1', { jitter: 1.5 }, /jitter" must be a number from 0 to 1, got 1.5/],
    ['a negative delay', { reconnectDelayMs: -1 }, /reconnectDelayMs" must be an integer >= 0, got -1/],
    [
      'a fractional attempt count',
      { maxReconnectAttempts: 2.5 },
      /maxReconnectAttempts" must be an integer >= 0, got 2.5/,
    ],
    ['a multiplier below 1', { maxBackoffMultiplier: 0 }, /maxBackoffMultiplier" must be an integer >= 1/],
    ['a non-boolean flag', { pauseWhenHidden: 'yes' }, /pauseWhenHidden" must be a boolean, got "yes"/],
    [
      'a callback that is code',
      { callbacks: { connected: 'alert(1)' } },
      /callbacks.connected" must be a global function name, got "alert\(1\)"/,
    ],
    [
      'a callback for an unknown state',
      { callbacks: { online: 'f' } },
      /option "callbacks" must be keyed by connecting, .* got "online"/,
    ],
  ])('throws a TypeError for %s', (_name, config, message) => {
    const render = () => <ConnectionMonitor connectionId="a" config={config} />;
    expect(render).toThrow(TypeError);
    expect(render).toThrow(message);
  });
});
