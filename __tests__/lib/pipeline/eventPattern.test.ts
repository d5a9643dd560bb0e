import fc from 'fast-check';
import {
  assertEventType,
  compileEventPattern,
  isEventType,
  MAX_EVENT_PATTERN_LENGTH,
  matchSegments,
} from '../../../lib/pipeline/eventPattern';

/** The obvious recursive matcher (exponential in the worst case): the oracle for small inputs. */
function naiveMatch(pattern: readonly string[], type: readonly string[]): boolean {
  if (pattern.length === 0) return type.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return naiveMatch(rest, type) || (type.length > 0 && naiveMatch(pattern, type.slice(1)));
  return type.length > 0 && (head === '*' || head === type[0]) && naiveMatch(rest, type.slice(1));
}

describe('event patterns', () => {
  const cases: [pattern: string, matching: string[], notMatching: string[]][] = [
    ['job:progress', ['job:progress'], ['job', 'job:progress:x', 'job:progres', 'x:job:progress']],
    ['job:*', ['job:progress', 'job:done'], ['job', 'job:a:b', 'jobs:progress', 'x:job:a']],
    ['*:progress', ['job:progress', 'upload:progress'], ['progress', 'a:b:progress', 'job:progress:x']],
    [
      '**:completed',
      ['completed', 'job:completed', 'a:b:c:completed'],
      ['completed:x', 'job:complete', 'job:completed:now'],
    ],
    ['job:**', ['job', 'job:a', 'job:a:b:c'], ['jobs', 'x:job', 'x:job:a']],
    ['**', ['a', 'a:b', 'a:b:c:d'], []],
    ['**:a:**:b', ['a:b', 'x:a:y:z:b', 'a:a:b:b', 'a:x:b'], ['b:a', 'a:b:c', 'a', 'b']],
    ['a:*:**:b', ['a:x:b', 'a:x:y:b'], ['a:b', 'x:a:x:b']],
  ];

  it.each(cases)('%s selects exactly the types it should', (pattern, matching, notMatching) => {
    const compiled = compileEventPattern(pattern);
    for (const type of matching) expect([type, compiled.test(type)]).toEqual([type, true]);
    for (const type of notMatching) expect([type, compiled.test(type)]).toEqual([type, false]);
  });

  it('treats a pattern without wildcards as exact and repeated ** as one', () => {
    expect(compileEventPattern('job:progress').exact).toBe(true);
    expect(compileEventPattern('job:*').exact).toBe(false);
    const collapsed = compileEventPattern('**:**:done');
    expect(['done', 'a:done', 'a:b:done', 'a:done:x'].map((type) => collapsed.test(type))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('agrees with a naive recursive matcher on random patterns and types', () => {
    const segment = fc.constantFrom('a', 'b', 'c');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(segment, fc.constant('*'), fc.constant('**')), { minLength: 1, maxLength: 6 }),
        fc.array(segment, { minLength: 1, maxLength: 8 }),
        (patternSegments, typeSegments) => {
          const compiled = compileEventPattern(patternSegments.join(':'));
          expect(compiled.test(typeSegments.join(':'))).toBe(naiveMatch(patternSegments, typeSegments));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['nothing', ''],
    ['an empty last segment', 'job:'],
    ['an empty first segment', ':job'],
    ['an empty middle segment', 'job::x'],
    ['a star inside a literal', 'jo*b'],
    ['a triple star', '***'],
    ['a space', 'job progress'],
    ['markup', 'job:"><script>'],
    ['too many characters', `${'x'.repeat(MAX_EVENT_PATTERN_LENGTH - 8)}:too:long`],
  ])('refuses a pattern with %s, with a TypeError naming it', (_reason, pattern) => {
    expect(() => compileEventPattern(pattern)).toThrow(TypeError);
    expect(() => compileEventPattern(pattern)).toThrow(JSON.stringify(pattern).slice(0, 20));
  });

  it('refuses non-string patterns', () => {
    for (const pattern of [42, null, undefined, ['job']]) expect(() => compileEventPattern(pattern)).toThrow(TypeError);
  });

  it('validates event types', () => {
    expect(['job:progress', 'user.42:deleted', 'a-b_c'].every(isEventType)).toBe(true);
    for (const bad of ['', 'job:', 'job:*', 'a b', 'job\nx', 42, null]) {
      expect(isEventType(bad)).toBe(false);
      expect(() => assertEventType(bad)).toThrow(TypeError);
    }
  });

  describe('work on hostile input (counted in steps, not measured in time)', () => {
    const pattern = ['**', 'a', '**', 'b'];
    const bound = (segments: number): number => 2 * (segments + 1) * pattern.length;

    it('rejects 10,000 segments of "a" against **:a:**:b in linear work', () => {
      const type = Array.from({ length: 10_000 }, () => 'a');
      const result = matchSegments(pattern, type);
      expect(result.matched).toBe(false);
      expect(result.steps).toBeLessThanOrEqual(bound(type.length));
      // The whole type was walked: the count is real work, not a shortcut.
      expect(result.steps).toBeGreaterThan(type.length);
    });

    it('matches a crafted 10,000-segment type ending in b in linear work', () => {
      const type = [...Array.from({ length: 9_998 }, (_, i) => (i % 2 ? 'a' : 'x')), 'a', 'b'];
      const result = compileEventPattern('**:a:**:b').match(type.join(':'));
      expect(result.matched).toBe(true);
      expect(result.steps).toBeLessThanOrEqual(bound(type.length));
    });

    it('grows no faster than the type: doubling the type at most doubles the work', () => {
      const compiled = compileEventPattern('**:a:**:b');
      const steps = (n: number): number => compiled.match(Array.from({ length: n }, () => 'a').join(':')).steps;
      expect(steps(20_000)).toBeLessThanOrEqual(2 * steps(10_000) + 2 * pattern.length);
    });
  });
});
