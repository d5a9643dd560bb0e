import { OobSwap, OobTarget } from '../../components/OobSwap';
import { parseMarkup } from './parsedMarkup';

const HOSTILE: string = '"><script>alert(1)</script>';

describe('<OobSwap>', () => {
  it('renders an element with the id it updates and hx-swap-oob (default outerHTML)', () => {
    const element = parseMarkup(<OobSwap id="counter">{'<b>7</b>'}</OobSwap>).querySelector('#counter');
    expect(element?.getAttribute('hx-swap-oob')).toBe('outerHTML');
    expect(element?.querySelector('b')?.text).toBe('7');
  });

  it('takes another swap style and classes', () => {
    const element = parseMarkup(
      <OobSwap id="log" swap="beforeend" class="log">
        <li>new</li>
      </OobSwap>,
    ).querySelector('#log');
    expect([element?.getAttribute('hx-swap-oob'), element?.getAttribute('class')]).toEqual(['beforeend', 'log']);
  });

  it('keeps hostile text given with safe escaped', () => {
    const root = parseMarkup(
      <OobSwap id="note" swap="innerHTML">
        <span safe>{HOSTILE}</span>
      </OobSwap>,
    );
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(root.querySelector('#note span')?.text).toBe(HOSTILE);
  });

  it('refuses a hostile or unusable id and an unknown swap style', () => {
    expect(() => <OobSwap id={HOSTILE} />).toThrow(JSON.stringify(HOSTILE));
    expect(() => <OobSwap id="job:1" />).toThrow(TypeError);
    expect(() => <OobSwap id="x" swap={'sideways' as never} />).toThrow('swap style must be one of');
  });
});

describe('<OobTarget>', () => {
  it('wraps children for another element: hx-swap-oob="{swap}:#{target}", no id of its own', () => {
    const wrapper = parseMarkup(
      <OobTarget target="job-log" swap="beforeend">
        <li>line</li>
      </OobTarget>,
    ).querySelector('[hx-swap-oob]');
    expect([
      wrapper?.getAttribute('hx-swap-oob'),
      wrapper?.getAttribute('id'),
      wrapper?.querySelector('li')?.text,
    ]).toEqual(['beforeend:#job-log', undefined, 'line']);
    expect(
      parseMarkup(<OobTarget target="box">x</OobTarget>)
        .querySelector('div')
        ?.getAttribute('hx-swap-oob'),
    ).toBe('innerHTML:#box');
  });

  it('refuses outerHTML and a hostile target', () => {
    expect(() => <OobTarget target="box" swap={'outerHTML' as never} />).toThrow('cannot swap outerHTML');
    expect(() => <OobTarget target={HOSTILE} />).toThrow(TypeError);
  });
});
