import { serializeData } from '../../../lib/protocol/serializeData';

describe('serializeData', () => {
  it('passes text and rendered JSX through, stringifies numbers and booleans, JSON-encodes objects', () => {
    expect(serializeData('<p>hi</p>')).toBe('<p>hi</p>');
    expect(serializeData(<b>x</b>)).toBe('<b>x</b>');
    expect(serializeData(42)).toBe('42');
    expect(serializeData(false)).toBe('false');
    expect(serializeData({ a: [1, 'two'] })).toBe('{"a":[1,"two"]}');
    expect(serializeData(null)).toBe('null');
  });

  it('awaits a promise of JSX (an element with async children)', async () => {
    const Async = async () => 'later';
    const element = (
      <div>
        <Async />
      </div>
    );
    expect(element).toBeInstanceOf(Promise);
    await expect(serializeData(element)).resolves.toBe('<div>later</div>');
  });

  it('throws a TypeError naming what it cannot send', () => {
    expect(() => serializeData(undefined)).toThrow(TypeError);
    expect(() => serializeData(() => 1)).toThrow(/function/);
    expect(() => serializeData(10n)).toThrow('10n');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeData(cyclic)).toThrow(/JSON/);
  });
});
