import { type HTMLElement, parse } from 'node-html-parser';
import { readRootTag } from '../../../lib/pipeline/htmlRootTag';
import { OobStreamBuilder, oobSwapValue, renderOobFragment, SWAP_STYLES } from '../../../lib/pipeline/oobStreamBuilder';

const HOSTILE: string = '"><script>alert(1)</script>';

/** The OOB elements of a payload, as a browser's parser sees them: [tag, hx-swap-oob, id]. */
function oobElements(html: string): [string, string | undefined, string | undefined][] {
  return parse(html)
    .querySelectorAll('[hx-swap-oob]')
    .map((element: HTMLElement) => [
      element.tagName.toLowerCase(),
      element.getAttribute('hx-swap-oob'),
      element.getAttribute('id'),
    ]);
}

describe('OobStreamBuilder', () => {
  it('builds several targets into one payload, in order, with each swap style and target', () => {
    const builder = new OobStreamBuilder();
    const same = builder
      .add(<b>42%</b>, { target: 'progress', swap: 'innerHTML' })
      .add(<li>line</li>, { target: 'log', swap: 'beforeend' })
      .add(<span id="status">done</span>)
      .add(<p>note</p>, { target: 'notes', wrap: false, swap: 'afterbegin' });
    expect(same).toBe(builder);
    expect(builder.size).toBe(4);
    const payload = builder.build() as string;
    expect(oobElements(payload)).toEqual([
      ['div', 'innerHTML:#progress', undefined],
      ['div', 'beforeend:#log', undefined],
      ['span', 'outerHTML', 'status'],
      ['p', 'afterbegin:#notes', undefined],
    ]);
    const root = parse(payload);
    expect(root.childNodes).toHaveLength(4);
    expect(root.querySelector('[hx-swap-oob="beforeend:#log"] > li')?.text).toBe('line');
  });

  it('defaults to innerHTML when wrapping and outerHTML on the element itself', () => {
    const payload = new OobStreamBuilder()
      .add('text only', { target: 'a' })
      .add(<div id="b">x</div>)
      .build() as string;
    expect(oobElements(payload)).toEqual([
      ['div', 'innerHTML:#a', undefined],
      ['div', 'outerHTML', 'b'],
    ]);
    expect(parse(payload).querySelector('[hx-swap-oob="innerHTML:#a"]')?.text).toBe('text only');
  });

  it('keeps escaped hostile text escaped: it stays text, no script element appears', () => {
    const payload = new OobStreamBuilder()
      .add(<span safe>{HOSTILE}</span>, { target: 'message' })
      .add(<div id="card" title={HOSTILE} />)
      .build() as string;
    const root = parse(payload);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(root.querySelector('[hx-swap-oob="innerHTML:#message"] span')?.text).toBe(HOSTILE);
    expect(root.querySelector('#card')?.getAttribute('title')).toBe(HOSTILE);
    expect(oobElements(payload).map(([, swap]) => swap)).toEqual(['innerHTML:#message', 'outerHTML']);
  });

  it('resolves async fragments (promises) in order into one payload', async () => {
    const later = Promise.resolve('<em>later</em>');
    const built = new OobStreamBuilder().add(later, { target: 'one' }).add('<i id="two">now</i>').build();
    expect(built).toBeInstanceOf(Promise);
    expect(oobElements(await built)).toEqual([
      ['div', 'innerHTML:#one', undefined],
      ['i', 'outerHTML', 'two'],
    ]);
  });

  it('leaves a fragment that carries its own hx-swap-oob as it is, and clears', () => {
    const own = '<div id="x" hx-swap-oob="beforeend">y</div>';
    const builder = new OobStreamBuilder().add(own);
    expect(builder.build()).toBe(own);
    expect(() => new OobStreamBuilder().add(own, { swap: 'innerHTML' })).toThrow('already has its own hx-swap-oob');
    expect(builder.clear().size).toBe(0);
    expect(builder.build()).toBe('');
  });

  it.each([
    ['hostile markup', HOSTILE],
    ['a leading digit', '1abc'],
    ['a space', 'a b'],
    ['a colon (a CSS pseudo-class in #a:b)', 'a:b'],
    ['nothing', ''],
  ])('refuses a target id with %s, naming it', (_reason, target) => {
    expect(() => new OobStreamBuilder().add('x', { target })).toThrow(TypeError);
    expect(() => new OobStreamBuilder().add('x', { target })).toThrow(JSON.stringify(target));
  });

  it('refuses unknown swap styles and impossible combinations', () => {
    expect(() => new OobStreamBuilder().add('x', { target: 'a', swap: 'sideways' as never })).toThrow(
      'swap style must be one of innerHTML, outerHTML',
    );
    expect(() => new OobStreamBuilder().add('x', { target: 'a', swap: `innerHTML"${HOSTILE}` as never })).toThrow(
      TypeError,
    );
    expect(() => new OobStreamBuilder().add('x', { wrap: true })).toThrow('wrap: true needs a target id');
    expect(() => new OobStreamBuilder().add('x', { target: 'a', swap: 'outerHTML' })).toThrow(
      'would replace #a by the wrapper',
    );
    expect(() => new OobStreamBuilder().add('plain text')).toThrow('needs an element as its root');
    expect(() => new OobStreamBuilder().add('<p>no id</p>')).toThrow('has no id');
    expect(() => new OobStreamBuilder().add('<p id="9bad">x</p>')).toThrow('"9bad"');
  });

  it("swaps innerHTML into a named target unwrapped too (the Python default); outerHTML only by the root's own id", () => {
    const payload = new OobStreamBuilder()
      .add(<section class="card">body</section>, { target: 'panel', wrap: false })
      .add(<span id="count">3</span>)
      .build() as string;
    expect(oobElements(payload)).toEqual([
      ['section', 'innerHTML:#panel', undefined],
      ['span', 'outerHTML', 'count'],
    ]);
  });

  it("adds the message's own content with oob: false, as it is, beside the out-of-band parts", async () => {
    const payload = new OobStreamBuilder()
      .add(<p>main, no id</p>, { oob: false })
      .add('plain text', { oob: false })
      .add(<b>1</b>, { target: 'counter' })
      .add(Promise.resolve('<i>later</i>'), { oob: false })
      .build();
    expect(await payload).toBe(
      '<p>main, no id</p>plain text<div hx-swap-oob="innerHTML:#counter"><b>1</b></div><i>later</i>',
    );
    for (const option of [{ target: 'a' }, { swap: 'innerHTML' as const }, { wrap: true }]) {
      expect(() => new OobStreamBuilder().add('x', { oob: false, ...option })).toThrow(
        new RegExp(`oob: false \\(the message's own content\\) takes no ${Object.keys(option)[0]}$`),
      );
    }
    expect(() => new OobStreamBuilder().add('<p>x</p>', { oob: 'no' as never })).toThrow(
      'OOB option oob must be a boolean, got "no"',
    );
  });

  it('rejects the build when a promised fragment turns out unusable', async () => {
    await expect(new OobStreamBuilder().add(Promise.resolve('no element')).build()).rejects.toThrow(
      'needs an element as its root',
    );
  });

  it('exposes the swap values it writes', () => {
    expect(SWAP_STYLES.join(' ')).toBe('innerHTML outerHTML beforebegin afterbegin beforeend afterend delete none');
    expect(oobSwapValue('delete', 'old')).toBe('delete:#old');
    expect(renderOobFragment('<tr id="row-1"><td>1</td></tr>')).toBe(
      '<tr hx-swap-oob="outerHTML" id="row-1"><td>1</td></tr>',
    );
  });
});

describe('readRootTag', () => {
  it('reads the root tag past quoted ">" and both quote styles, and knows where to insert', () => {
    const html = `  <div title="a > b" data-x='c > "d"' hidden id=plain>body</div>`;
    const tag = readRootTag(html);
    expect(tag?.name).toBe('div');
    expect(Object.fromEntries(tag?.attributes ?? [])).toEqual({
      title: 'a > b',
      'data-x': 'c > "d"',
      hidden: '',
      id: 'plain',
    });
    expect(html.slice(0, tag?.nameEnd)).toBe('  <div');
  });

  it('finds no root in text, comments, or an unterminated tag', () => {
    expect(readRootTag('text <b>x</b>')).toBeUndefined();
    expect(readRootTag('<!-- c --><b>x</b>')).toBeUndefined();
    expect(readRootTag('<div title="open')).toBeUndefined();
  });
});
