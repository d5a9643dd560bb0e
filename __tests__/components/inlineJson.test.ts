import fc from 'fast-check';
import { inlineJson } from '../../components/inlineJson';
import { sseElementId, sseStatusId } from '../../lib/protocol/monitorContract';

describe('inlineJson', () => {
  it('escapes <, >, &, U+2028 and U+2029 so no closing tag, comment or entity can appear', () => {
    expect(inlineJson({ a: '</script><!--&amp;\u2028\u2029' })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026amp;\\u2028\\u2029"}',
    );
  });

  it('gives back exactly the value through JSON.parse, and never contains the escaped characters', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = inlineJson(value);
        expect(/[<>&\u2028\u2029]/.test(text)).toBe(false);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('throws a TypeError for values without a JSON form', () => {
    expect(() => inlineJson(undefined)).toThrow(
      new TypeError('inlineJson needs a JSON-serializable value, got undefined'),
    );
    expect(() => inlineJson(() => 1)).toThrow(TypeError);
  });
});

describe('element ids', () => {
  it('are the ids the Python library used', () => {
    expect([sseElementId('dash'), sseStatusId('dash')]).toEqual(['sse-element-dash', 'sse-status-dash']);
  });

  it('throw a TypeError for an empty or non-string id', () => {
    expect(() => sseElementId('')).toThrow(new TypeError('connectionId must be a non-empty string, got ""'));
    expect(() => sseStatusId(7 as unknown as string)).toThrow(TypeError);
  });
});
