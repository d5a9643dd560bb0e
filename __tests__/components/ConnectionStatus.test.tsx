import { ConnectionStatus, DEFAULT_STATUS_LABELS, type StatusSize } from '../../components/ConnectionStatus';
import { CONNECTION_STATES, type ConnectionState } from '../../lib/protocol/monitorContract';
import { parseMarkup } from './parsedMarkup';

const HOSTILE: string = '"><script>alert(1)</script>';
const SCRIPT_END: string = '</script><script>alert(2)</script>';

function container(element: JSX.Element) {
  const root = parseMarkup(element);
  const node = root.querySelector('.sse-status');
  if (!node) throw new Error('no status container');
  const indicator = (state: ConnectionState) => node.querySelector(`[data-sse-for="${state}"]`);
  return { root, node, indicator };
}

describe('<ConnectionStatus>', () => {
  it('renders one indicator per state, all hidden but the current one, with default labels', () => {
    const { node, indicator } = container(<ConnectionStatus connectionId="news" />);
    expect(node.attributes).toEqual({
      id: 'sse-status-news',
      class: 'sse-status sse-status--sm sse-status--hide-text-sm',
      role: 'status',
      'aria-live': 'polite',
      'data-sse-state': 'connecting',
    });
    expect(node.querySelectorAll('[data-sse-for]').map((child) => child.getAttribute('data-sse-for'))).toEqual([
      ...CONNECTION_STATES,
    ]);
    for (const state of CONNECTION_STATES) {
      expect(indicator(state)?.hasAttribute('hidden')).toBe(state !== 'connecting');
      expect(indicator(state)?.querySelector('.sse-status__text')?.text.trim()).toBe(DEFAULT_STATUS_LABELS[state]);
      expect(indicator(state)?.classList.contains(`sse-status__state--${state}`)).toBe(true);
    }
    // The reconnecting indicator carries the placeholder the monitor fills with the attempt.
    expect(indicator('reconnecting')?.querySelector('[data-sse-attempt-text]')).not.toBeNull();
    expect(indicator('connected')?.querySelector('[data-sse-attempt-text]')).toBeNull();
  });

  it.each(CONNECTION_STATES)('shows state %s when given', (state) => {
    const { node, indicator } = container(<ConnectionStatus connectionId="a" state={state} />);
    expect(node.getAttribute('data-sse-state')).toBe(state);
    expect(
      node.querySelectorAll('[data-sse-for]:not([hidden])').map((child) => child.getAttribute('data-sse-for')),
    ).toEqual([state]);
    expect(indicator(state)?.hasAttribute('hidden')).toBe(false);
  });

  it.each<StatusSize>(['xs', 'sm', 'md', 'lg'])('sets the size class for %s', (size) => {
    expect(
      container(<ConnectionStatus connectionId="a" size={size} />).node.classList.contains(`sse-status--${size}`),
    ).toBe(true);
  });

  it('without text keeps the label as the accessible name of the dot', () => {
    const { node, indicator } = container(<ConnectionStatus connectionId="a" showText={false} />);
    expect(node.querySelectorAll('.sse-status__text')).toHaveLength(0);
    expect(node.classList.contains('sse-status--hide-text-sm')).toBe(false);
    const dot = indicator('connected')?.querySelector('.sse-status__dot');
    expect([dot?.getAttribute('role'), dot?.getAttribute('aria-label'), dot?.getAttribute('title')]).toEqual([
      'img',
      'Connected',
      'Connected',
    ]);
  });

  it('keeps the text on small screens when asked, and adds classes', () => {
    const { node } = container(
      <ConnectionStatus connectionId="a" hideTextOnSmallScreens={false} class="header-status" />,
    );
    expect(node.getAttribute('class')).toBe('sse-status sse-status--sm header-status');
  });

  it('uses custom labels and custom indicator markup per state', () => {
    const { indicator } = container(
      <ConnectionStatus
        connectionId="a"
        labels={{ connected: 'Live' }}
        indicators={{
          reconnecting: (
            <b class="badge">
              retry <i data-sse-attempt-text></i>
            </b>
          ),
        }}
      />,
    );
    expect(indicator('connected')?.querySelector('.sse-status__text')?.text).toBe('Live');
    expect(indicator('reconnecting')?.querySelector('b.badge i[data-sse-attempt-text]')).not.toBeNull();
    expect(indicator('reconnecting')?.querySelector('.sse-status__dot')).toBeNull();
  });

  it("reads the Python library's indicator key active as connected, in labels and in indicators", () => {
    const labelled = container(
      <ConnectionStatus connectionId="a" labels={{ active: 'Live', disconnected: 'Offline' }} />,
    );
    expect(labelled.indicator('connected')?.querySelector('.sse-status__text')?.text).toBe('Live');
    expect(labelled.indicator('disconnected')?.querySelector('.sse-status__text')?.text).toBe('Offline');
    expect(labelled.node.querySelector('[data-sse-for="active"]')).toBeNull();
    const marked = container(<ConnectionStatus connectionId="a" indicators={{ active: <b class="badge">Up</b> }} />);
    expect(marked.indicator('connected')?.querySelector('b.badge')?.text).toBe('Up');
  });

  it('labels a stream that is closed and not reconnecting "Disconnected", not "Paused"', () => {
    const { indicator } = container(<ConnectionStatus connectionId="a" state="disconnected" />);
    expect(indicator('disconnected')?.querySelector('.sse-status__text')?.text).toBe('Disconnected');
    expect(indicator('disconnected')?.hasAttribute('hidden')).toBe(false);
  });

  it("sizes the text on its own with textSize, next to the dot's size", () => {
    const { node } = container(<ConnectionStatus connectionId="a" size="xs" textSize="lg" />);
    expect(node.getAttribute('class')).toBe('sse-status sse-status--xs sse-status--text-lg sse-status--hide-text-sm');
    expect(container(<ConnectionStatus connectionId="a" />).node.getAttribute('class')).not.toContain('--text-');
  });

  it('escapes hostile labels in text and in the accessible name', () => {
    const labels = { connected: HOSTILE, error: SCRIPT_END };
    const withText = container(<ConnectionStatus connectionId="a" labels={labels} />);
    expect(withText.root.querySelectorAll('script')).toHaveLength(0);
    expect(withText.indicator('connected')?.querySelector('.sse-status__text')?.text).toBe(HOSTILE);
    expect(withText.indicator('error')?.querySelector('.sse-status__text')?.text).toBe(SCRIPT_END);
    const dotOnly = container(<ConnectionStatus connectionId="a" labels={labels} showText={false} />);
    expect(dotOnly.root.querySelectorAll('script')).toHaveLength(0);
    expect(dotOnly.indicator('error')?.querySelector('.sse-status__dot')?.getAttribute('aria-label')).toBe(SCRIPT_END);
  });

  it.each([HOSTILE, SCRIPT_END])('keeps a hostile connection id and class inside attributes: %s', (hostile) => {
    const { root, node } = container(<ConnectionStatus connectionId={hostile} class={hostile} />);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(node.getAttribute('id')).toBe(`sse-status-${hostile}`);
    expect(node.getAttribute('class')).toBe(`sse-status sse-status--sm sse-status--hide-text-sm ${hostile}`);
  });

  it.each<[string, () => JSX.Element, RegExp]>([
    [
      'an unknown state',
      () => <ConnectionStatus connectionId="a" state={'online' as ConnectionState} />,
      /state must be one of .*"online"/,
    ],
    [
      'an unknown size',
      () => <ConnectionStatus connectionId="a" size={'xl' as StatusSize} />,
      /size must be one of xs, sm, md, lg, got "xl"/,
    ],
    [
      'a label for an unknown state',
      () => <ConnectionStatus connectionId="a" labels={{ online: 'x' } as Record<string, string>} />,
      /unknown connection state "online"/,
    ],
    [
      'a non-string label',
      () => <ConnectionStatus connectionId="a" labels={{ connected: 7 as unknown as string }} />,
      /label of connected must be a string/,
    ],
    [
      'an unknown text size',
      () => <ConnectionStatus connectionId="a" textSize={'text-sm' as StatusSize} />,
      /textSize must be one of xs, sm, md, lg, got "text-sm"/,
    ],
    [
      'a state given twice, once through its alias',
      () => <ConnectionStatus connectionId="a" labels={{ active: 'Up', connected: 'Live' }} />,
      /labels names state connected twice \(connected is connected\)/,
    ],
    ['an empty connection id', () => <ConnectionStatus connectionId="" />, /connectionId must be a non-empty string/],
  ])('throws a TypeError for %s', (_name, render, message) => {
    expect(render).toThrow(TypeError);
    expect(render).toThrow(message);
  });
});
