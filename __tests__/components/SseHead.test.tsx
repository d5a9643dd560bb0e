import { SseHead } from '../../components/SseHead';
import { parseMarkup } from './parsedMarkup';

function head(element: JSX.Element) {
  const root = parseMarkup(element);
  return {
    root,
    scripts: root.querySelectorAll('script').map((script) => script.getAttribute('src')),
    styles: root.querySelectorAll('link[rel="stylesheet"]').map((link) => link.getAttribute('href')),
  };
}

describe('<SseHead>', () => {
  it('loads htmx 2, its SSE extension, then the monitor, and the stylesheet, from the middleware', () => {
    const { root, scripts, styles } = head(<SseHead />);
    expect(scripts).toEqual(['/sse/_assets/htmx2.js', '/sse/_assets/htmx-ext-sse.js', '/sse/_assets/monitor.js']);
    expect(styles).toEqual(['/sse/_assets/sse-status.css']);
    // The only meta: the prefix whose streams the page shares (one stream per browser).
    expect(
      root.querySelectorAll('meta').map((meta) => [meta.getAttribute('name'), meta.getAttribute('content')]),
    ).toEqual([['sse-shared-stream', '/sse']]);
    expect(root.querySelectorAll('script').every((script) => script.text === '' && !script.hasAttribute('nonce'))).toBe(
      true,
    );
  });

  it('loads htmx 4 and hx-sse for the htmx4 dialect, under another prefix', () => {
    expect(head(<SseHead dialect="htmx4" prefix="/events" />).scripts).toEqual([
      '/events/_assets/htmx4.js',
      '/events/_assets/hx-sse.js',
      '/events/_assets/monitor.js',
    ]);
  });

  it('puts the nonce on every tag and hands it to htmx for what htmx inserts', () => {
    const { root } = head(<SseHead nonce="r4nd0m+/=" />);
    const tags = root.querySelectorAll('script, link');
    expect(tags).toHaveLength(4);
    expect(tags.map((tag) => tag.getAttribute('nonce'))).toEqual(['r4nd0m+/=', 'r4nd0m+/=', 'r4nd0m+/=', 'r4nd0m+/=']);
    const meta = root.querySelector('meta[name="htmx-config"]');
    expect(JSON.parse(meta?.getAttribute('content') ?? '')).toEqual({
      inlineScriptNonce: 'r4nd0m+/=',
      inlineStyleNonce: 'r4nd0m+/=',
    });
  });

  it('leaves out what the page loads itself', () => {
    expect(head(<SseHead htmx={false} />).scripts).toEqual(['/sse/_assets/monitor.js']);
    expect(head(<SseHead monitor={false} dialect="htmx4" />).scripts).toEqual([
      '/sse/_assets/htmx4.js',
      '/sse/_assets/hx-sse.js',
    ]);
    expect(head(<SseHead styles={false} />).styles).toEqual([]);
  });

  it('declares the shared stream under its prefix, or leaves it out when sharing is off', () => {
    const shared = head(<SseHead prefix="/events" />).root.querySelector('meta[name="sse-shared-stream"]');
    expect(shared?.getAttribute('content')).toBe('/events');
    expect(head(<SseHead sharedStream={false} />).root.querySelectorAll('meta')).toHaveLength(0);
  });

  it.each<[string, () => JSX.Element, RegExp]>([
    [
      'a nonce that breaks out',
      () => <SseHead nonce={'"><script>alert(1)</script>'} />,
      /nonce must be 1-256 base64 characters/,
    ],
    ['an empty nonce', () => <SseHead nonce="" />, /nonce must be/],
    [
      'a prefix without a leading slash',
      () => <SseHead prefix="sse" />,
      /prefix must be a path such as "\/sse", got "sse"/,
    ],
    ['a prefix with a quote', () => <SseHead prefix={'/x"y'} />, /prefix must be a path/],
    ['an unknown dialect', () => <SseHead dialect={'htmx1' as 'htmx2'} />, /dialect must be one of htmx2, htmx4/],
    [
      'a sharedStream that is not a boolean',
      () => <SseHead sharedStream={'no' as unknown as boolean} />,
      /SseHead: option "sharedStream" must be a boolean, got "no"/,
    ],
  ])('throws a TypeError for %s', (_name, render, message) => {
    expect(render).toThrow(TypeError);
    expect(render).toThrow(message);
  });
});
