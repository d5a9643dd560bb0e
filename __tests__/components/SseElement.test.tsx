import { SseElement } from '../../components/SseElement';
import { parseMarkup } from './parsedMarkup';

const HOSTILE: string = '"><script>alert(1)</script>';
const SCRIPT_END: string = '</script><script>alert(2)</script>';

function rendered(element: JSX.Element) {
  const root = parseMarkup(element);
  const node = root.querySelector('div');
  if (!node) throw new Error(`no element in ${String(element)}`);
  return { root, node, attributes: node.attributes };
}

describe('<SseElement> for htmx 2 (default dialect)', () => {
  it('renders hx-ext, sse-connect from the channel, sse-swap of unnamed messages, the ids', () => {
    const { attributes } = rendered(<SseElement connectionId="news" channel="news" />);
    expect(attributes).toEqual({
      id: 'sse-element-news',
      'data-sse-connection': 'news',
      'hx-ext': 'sse',
      'sse-connect': '/sse/news',
      'sse-swap': 'message',
    });
  });

  it('renders every option: url, swap events, close event, swap, target, class, extra attributes, children', () => {
    const { node, attributes } = rendered(
      <SseElement
        connectionId="feed"
        url="/streams/feed?x=1"
        swapEvents={['message', 'update']}
        closeEvent="done"
        swap="beforeend"
        target="#list"
        class="feed live"
        attributes={{ 'data-kind': 'a&amp;b', 'aria-busy': true, tabindex: 0, draggable: false }}
      >
        <p class="initial">waiting</p>
      </SseElement>,
    );
    expect(attributes).toEqual({
      id: 'sse-element-feed',
      class: 'feed live',
      'data-sse-connection': 'feed',
      'hx-swap': 'beforeend',
      'hx-target': '#list',
      'data-kind': 'a&amp;b',
      'aria-busy': '',
      tabindex: '0',
      'hx-ext': 'sse',
      'sse-connect': '/streams/feed?x=1',
      'sse-swap': 'message,update',
      'sse-close': 'done',
    });
    expect(node.querySelector('p.initial')?.text).toBe('waiting');
  });

  it.each(['htmx2', 'htmx4'] as const)('hides the element, still connected, with hidden (%s)', (dialect) => {
    const hidden = rendered(<SseElement connectionId="jobs" channel="jobs" dialect={dialect} hidden />);
    expect(hidden.attributes.hidden).toBe('');
    expect(hidden.attributes.style).toBeUndefined();
    expect(hidden.attributes[dialect === 'htmx2' ? 'sse-connect' : 'hx-sse:connect']).toBe('/sse/jobs');
    expect(
      rendered(<SseElement connectionId="jobs" channel="jobs" hidden={false} />).attributes.hidden,
    ).toBeUndefined();
  });

  it('marks an element that keeps its own stream instead of the shared one, in both dialects', () => {
    for (const dialect of ['htmx2', 'htmx4'] as const) {
      expect(
        rendered(<SseElement connectionId="a" channel="a" dialect={dialect} sharedStream={false} />).attributes,
      ).toEqual(expect.objectContaining({ 'data-sse-shared': 'off' }));
      expect(rendered(<SseElement connectionId="a" channel="a" dialect={dialect} />).attributes).not.toHaveProperty(
        'data-sse-shared',
      );
    }
  });

  it('uses the prefix for a channel URL', () => {
    expect(rendered(<SseElement connectionId="a" channel="room:1" prefix="/events" />).attributes['sse-connect']).toBe(
      '/events/room:1',
    );
  });

  it('streams several channels from {prefix}?channels=, with the render cursor as lastEventId', () => {
    const element = rendered(
      <SseElement connectionId="a" channels={['news', 'room:1', 'news']} prefix="/events" lastEventId="17-3" />,
    );
    expect(element.attributes['sse-connect']).toBe('/events?channels=news,room:1&lastEventId=17-3');
    expect(rendered(<SseElement connectionId="a" channels={['x']} prefix="/" />).attributes['sse-connect']).toBe(
      '/?channels=x',
    );
    expect(rendered(<SseElement connectionId="a" channel="x" lastEventId="x/1-2" />).attributes['sse-connect']).toBe(
      '/sse/x?lastEventId=x%2F1-2',
    );
  });

  it('refuses an empty channel list, a bad name in it, two sources or a multi-line cursor with a TypeError', () => {
    expect(() => <SseElement connectionId="a" channels={[]} />).toThrow(TypeError);
    expect(() => <SseElement connectionId="a" channels={['ok', 'not ok']} />).toThrow(/channel name must match/);
    expect(() => <SseElement connectionId="a" channel="a" channels={['b']} />).toThrow(
      'give exactly one of url, channel and channels',
    );
    expect(() => <SseElement connectionId="a" channel="a" lastEventId={'1-1\nx'} />).toThrow(TypeError);
  });
});

describe('<SseElement> for htmx 4', () => {
  it('renders hx-sse:connect and hx-sse:close and none of the htmx 2 attributes', () => {
    const { attributes } = rendered(
      <SseElement dialect="htmx4" connectionId="news" channel="news" closeEvent="done" swap="afterbegin" />,
    );
    expect(attributes).toEqual({
      id: 'sse-element-news',
      'data-sse-connection': 'news',
      'hx-swap': 'afterbegin',
      'hx-sse:connect': '/sse/news',
      'hx-sse:close': 'done',
    });
  });

  it('refuses named swap events, which htmx 4 never swaps', () => {
    expect(() => (
      <SseElement dialect="htmx4" connectionId="a" channel="a" swapEvents={['message', 'update']} />
    )).toThrow(/htmx 4 swaps only unnamed.*update/);
  });
});

describe('<SseElement> escaping', () => {
  it.each([HOSTILE, SCRIPT_END, 'a&amp;b \' "q"'])(
    'keeps a hostile connection id inside its attributes: %s',
    (connectionId) => {
      const { root, attributes } = rendered(
        <SseElement connectionId={connectionId} channel="news">
          {''}
        </SseElement>,
      );
      expect(root.querySelectorAll('script')).toHaveLength(0);
      expect(attributes.id).toBe(`sse-element-${connectionId}`);
      expect(attributes['data-sse-connection']).toBe(connectionId);
    },
  );

  it('keeps hostile class, swap, target, close event and extra attribute values inside their attributes', () => {
    const { root, attributes } = rendered(
      <SseElement
        connectionId="x"
        channel="x"
        class={HOSTILE}
        swap={HOSTILE}
        target={SCRIPT_END}
        closeEvent={HOSTILE}
        attributes={{ 'data-note': SCRIPT_END }}
      />,
    );
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect([
      attributes.class,
      attributes['hx-swap'],
      attributes['hx-target'],
      attributes['sse-close'],
      attributes['data-note'],
    ]).toEqual([HOSTILE, HOSTILE, SCRIPT_END, HOSTILE, SCRIPT_END]);
  });
});

describe('<SseElement> bad input', () => {
  it.each<[string, () => JSX.Element, RegExp]>([
    [
      'both url and channel',
      () => <SseElement connectionId="a" url="/a" channel="a" />,
      /exactly one of url, channel and channels/,
    ],
    ['neither url nor channel', () => <SseElement connectionId="a" />, /exactly one of url, channel and channels/],
    [
      'a javascript: url',
      () => <SseElement connectionId="a" url="javascript:alert(1)" />,
      /url must be.*javascript:alert/,
    ],
    ['a js: url', () => <SseElement connectionId="a" url="js:alert(1)" />, /url must be/],
    ['a protocol-relative url', () => <SseElement connectionId="a" url="//evil.example/s" />, /url must be/],
    ['a bad channel', () => <SseElement connectionId="a" channel="no spaces" />, /channel name must match/],
    ['a bad prefix', () => <SseElement connectionId="a" channel="a" prefix="sse" />, /prefix must be a path/],
    [
      'an empty connection id',
      () => <SseElement connectionId="" channel="a" />,
      /connectionId must be a non-empty string/,
    ],
    ['a swap event with a comma', () => <SseElement connectionId="a" channel="a" swapEvents="a,b" />, /without commas/],
    [
      'a swap event with a newline',
      () => <SseElement connectionId="a" channel="a" swapEvents={['a\nb']} />,
      /CR, LF or NUL/,
    ],
    ['no swap events', () => <SseElement connectionId="a" channel="a" swapEvents={[]} />, /at least one event/],
    [
      'a close event with a newline',
      () => <SseElement connectionId="a" channel="a" closeEvent={'x\r'} />,
      /CR, LF or NUL/,
    ],
    [
      'an attribute name that breaks out',
      () => <SseElement connectionId="a" channel="a" attributes={{ 'x onclick="alert(1)"': 'y' }} />,
      /attribute name must match/,
    ],
    [
      'a hidden that is not a boolean',
      () => <SseElement connectionId="a" channel="a" hidden={'yes' as unknown as boolean} />,
      /SseElement: option "hidden" must be a boolean, got "yes"/,
    ],
    [
      'hidden as an extra attribute (the prop says it)',
      () => <SseElement connectionId="a" channel="a" attributes={{ hidden: true }} />,
      /set by the component/,
    ],
    [
      'an attribute the component sets',
      () => <SseElement connectionId="a" channel="a" attributes={{ 'sse-connect': '/other' }} />,
      /set by the component/,
    ],
    [
      'an object attribute value',
      () => <SseElement connectionId="a" channel="a" attributes={{ x: {} as unknown as string }} />,
      /must be a string, finite number or boolean/,
    ],
    [
      'an unknown dialect',
      () => <SseElement connectionId="a" channel="a" dialect={'htmx3' as 'htmx2'} />,
      /dialect must be one of htmx2, htmx4, got "htmx3"/,
    ],
    [
      'a sharedStream that is not a boolean',
      () => <SseElement connectionId="a" channel="a" sharedStream={0 as unknown as boolean} />,
      /SseElement: option "sharedStream" must be a boolean, got 0/,
    ],
  ])('throws a TypeError for %s', (_name, render, message) => {
    expect(render).toThrow(TypeError);
    expect(render).toThrow(message);
  });
});
