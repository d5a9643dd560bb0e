import { ConnectionMonitor } from '../../components/ConnectionMonitor';
import { SseElement } from '../../components/SseElement';
import { parseMarkup } from './parsedMarkup';

/** Paths that would leave the page's origin, or that URL parsing would rewrite into such a path. */
const OTHER_ORIGINS = [
  'https://evil.example/board',
  'http://127.0.0.1:3000/board',
  '//evil.example/board',
  '/\\evil.example/board',
  'javascript:alert(1)',
  'data:text/html,<p>x</p>',
  '/\t/evil.example/board',
  ' /board',
  'board',
];

describe('the resync prop', () => {
  it('travels on the element as data-sse-resync, escaped, and on the monitor in its config', () => {
    const element = parseMarkup(
      <SseElement connectionId="board" channel="board" resync={'/board/items?view=a&b="c"'} />,
    ).querySelector('div');
    expect(element?.getAttribute('data-sse-resync')).toBe('/board/items?view=a&b="c"');

    const monitor = parseMarkup(<ConnectionMonitor connectionId="board" resync="/board/items" />).querySelector(
      '[data-sse-monitor]',
    );
    expect(JSON.parse(monitor?.getAttribute('data-sse-monitor') ?? '{}')).toMatchObject({
      connectionId: 'board',
      resync: '/board/items',
    });
  });

  it('renders nothing of it when absent', () => {
    const element = String(<SseElement connectionId="board" channel="board" />);
    const monitor = parseMarkup(<ConnectionMonitor connectionId="board" indicator={false} />).querySelector('div');
    expect(element).not.toContain('data-sse-resync');
    expect(JSON.parse(monitor?.getAttribute('data-sse-monitor') ?? '{}')).not.toHaveProperty('resync');
  });

  it.each(OTHER_ORIGINS)('refuses %p at render, naming the value', (path) => {
    const message = `option "resync" must be a path of this site such as "/board" (no other origin, no whitespace), got ${JSON.stringify(path)}`;
    expect(() => <SseElement connectionId="board" channel="board" resync={path} />).toThrow(TypeError);
    expect(() => <SseElement connectionId="board" channel="board" resync={path} />).toThrow(
      new TypeError(`SseElement: ${message}`),
    );
    expect(() => <ConnectionMonitor connectionId="board" resync={path} />).toThrow(
      new TypeError(`ConnectionMonitor: ${message}`),
    );
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['a number', 42],
    ['null', null],
  ])('refuses %s', (_what, value) => {
    const resync = value as string;
    const got = `got ${JSON.stringify(value)}`;
    expect(() => <SseElement connectionId="board" channel="board" resync={resync} />).toThrow(TypeError);
    expect(() => <SseElement connectionId="board" channel="board" resync={resync} />).toThrow(got);
    expect(() => <ConnectionMonitor connectionId="board" resync={resync} />).toThrow(TypeError);
    expect(() => <ConnectionMonitor connectionId="board" resync={resync} />).toThrow(got);
  });

  it('is the component’s own attribute: `attributes` cannot set it', () => {
    expect(() => (
      <SseElement connectionId="board" channel="board" attributes={{ 'data-sse-resync': 'https://evil.example/' }} />
    )).toThrow('attribute "data-sse-resync" is set by the component; use its prop');
  });
});
