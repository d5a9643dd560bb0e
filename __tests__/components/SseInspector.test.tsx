import { createSseComponents } from '../../components/createSseComponents';
import { SseInspector } from '../../components/SseInspector';
import { parseMarkup } from './parsedMarkup';

/** Renders with `NODE_ENV` set to `value` (undefined: unset), and puts it back. */
function renderWith(value: string | undefined, render: () => JSX.Element): JSX.Element {
  const previous = process.env.NODE_ENV;
  if (value === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = value;
  try {
    return render();
  } finally {
    process.env.NODE_ENV = previous;
  }
}

describe('<SseInspector>', () => {
  it('renders a closed panel, its stylesheet and its deferred script from the middleware', () => {
    const root = parseMarkup(renderWith('development', () => <SseInspector />));
    const panel = root.querySelector('details[data-sse-inspector]');
    expect(panel?.hasAttribute('open')).toBe(false);
    expect(panel?.querySelector('summary')?.text).toBe('SSE inspector');
    expect(root.querySelector('link[rel="stylesheet"]')?.getAttribute('href')).toBe('/sse/_assets/sse-inspector.css');
    const script = root.querySelector('script');
    expect([script?.getAttribute('src'), script?.hasAttribute('defer'), script?.text]).toEqual([
      '/sse/_assets/sse-inspector.js',
      true,
      '',
    ]);
    // No inline style: the markup passes a CSP without 'unsafe-inline'.
    expect(root.querySelectorAll('[style], style')).toHaveLength(0);
  });

  it('takes a prefix, a nonce and open', () => {
    const root = parseMarkup(renderWith(undefined, () => <SseInspector prefix="/live" nonce="r4nd0m+/=" open />));
    expect(root.querySelector('details')?.hasAttribute('open')).toBe(true);
    const tags = root.querySelectorAll('script, link');
    expect(tags.map((tag) => [tag.getAttribute('src') ?? tag.getAttribute('href'), tag.getAttribute('nonce')])).toEqual(
      [
        ['/live/_assets/sse-inspector.css', 'r4nd0m+/='],
        ['/live/_assets/sse-inspector.js', 'r4nd0m+/='],
      ],
    );
  });

  it('renders nothing when NODE_ENV is production, unless forced', () => {
    expect(renderWith('production', () => <SseInspector open />)).toBe('');
    const forced = parseMarkup(renderWith('production', () => <SseInspector force />));
    expect(forced.querySelectorAll('[data-sse-inspector]')).toHaveLength(1);
    expect(renderWith('test', () => <SseInspector />)).toContain('data-sse-inspector');
  });

  it.each([
    [{ prefix: 'sse' }, /SseInspector: option "prefix" must be a path such as "\/sse", got "sse"/],
    [{ force: 'yes' }, /SseInspector: option "force" must be a boolean, got "yes"/],
    [{ open: 1 }, /SseInspector: option "open" must be a boolean, got 1/],
    [{ nonce: '<script>' }, /nonce must be 1-256 base64 characters, got "<script>"/],
  ])('refuses %p with a TypeError, in production too', (props, message) => {
    const render = () => SseInspector(props as never);
    expect(() => renderWith('development', render)).toThrow(message);
    expect(() => renderWith('production', render)).toThrow(TypeError);
  });

  it("is bound to the app's prefix by createSseComponents", () => {
    const { SseInspector: Bound } = createSseComponents({ prefix: '/live' });
    const root = parseMarkup(renderWith('development', () => <Bound />));
    expect(root.querySelector('script')?.getAttribute('src')).toBe('/live/_assets/sse-inspector.js');
  });
});
