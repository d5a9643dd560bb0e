/**
 * Event types and the patterns that select them. A type is segments joined by `:`
 * (`job:progress`, `user.42:deleted`); a pattern is the same with wildcards:
 * `*` stands for exactly one segment, `**` for any number of segments (zero included).
 *
 * Matching walks the type once while keeping the set of pattern positions still alive (a
 * small NFA), so its work is at most 2 × (type segments + 1) × pattern segments: linear in the
 * type, whatever the type looks like. A backtracking matcher would be exponential on
 * `**:a:**:b` against a long crafted type.
 */
import { describeValue } from '../validation/describeValue';

const SEGMENT = '[A-Za-z0-9_.-]+';
const EVENT_TYPE = new RegExp(`^${SEGMENT}(?::${SEGMENT})*$`);
const LITERAL_SEGMENT = new RegExp(`^${SEGMENT}$`);

/** Longest pattern accepted, in characters: patterns are written by developers, not users. */
export const MAX_EVENT_PATTERN_LENGTH = 256;

/** True when `type` is a valid event type: segments of `A-Z a-z 0-9 _ . -` joined by `:`. */
export function isEventType(type: unknown): type is string {
  return typeof type === 'string' && EVENT_TYPE.test(type);
}

/** Throws a `TypeError` naming the value unless it is a valid event type. */
export function assertEventType(type: unknown): asserts type is string {
  if (!isEventType(type)) {
    throw new TypeError(`event type must be segments of A-Z a-z 0-9 _ . - joined by ":", got ${describeValue(type)}`);
  }
}

/** The outcome of one match, with the work it took (for tests and instrumentation). */
export interface PatternMatch {
  matched: boolean;
  /** Pattern positions visited; at most 2 × (type segments + 1) × pattern segments. */
  steps: number;
}

/** A validated, compiled pattern. Create with {@link compileEventPattern}. */
export interface EventPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Whether it has no wildcard (then it matches exactly one type: itself). */
  readonly exact: boolean;
  /** Whether `type` is selected by this pattern. */
  test(type: string): boolean;
  /** Like {@link EventPattern.test}, also counting the work done. */
  match(type: string): PatternMatch;
}

/**
 * Validates and compiles a pattern: 1 to {@link MAX_EVENT_PATTERN_LENGTH} characters of segments
 * joined by `:`, each a literal (`A-Z a-z 0-9 _ . -`), `*` or `**`. Repeated `**` collapse.
 * @throws TypeError naming the pattern when it is not valid.
 */
export function compileEventPattern(pattern: unknown): EventPattern {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_EVENT_PATTERN_LENGTH) {
    throw new TypeError(
      `event pattern must be a string of 1-${MAX_EVENT_PATTERN_LENGTH} characters, got ${describeValue(pattern)}`,
    );
  }
  const segments: string[] = [];
  for (const segment of pattern.split(':')) {
    if (segment !== '*' && segment !== '**' && !LITERAL_SEGMENT.test(segment)) {
      throw new TypeError(
        `event pattern ${describeValue(pattern)} has an invalid segment ${describeValue(segment)}: use A-Z a-z 0-9 _ . -, "*" or "**"`,
      );
    }
    if (segment === '**' && segments[segments.length - 1] === '**') continue;
    segments.push(segment);
  }
  const exact = !segments.some((segment) => segment === '*' || segment === '**');
  return {
    source: pattern,
    exact,
    test: exact ? (type) => type === pattern : (type) => matchSegments(segments, type.split(':')).matched,
    match: (type) => matchSegments(segments, type.split(':')),
  };
}

/**
 * Matches type segments against pattern segments (`*`: one segment, `**`: zero or more) by
 * stepping a set of live pattern positions through the type once.
 */
export function matchSegments(pattern: readonly string[], type: readonly string[]): PatternMatch {
  const size = pattern.length + 1;
  let live = new Uint8Array(size);
  let next = new Uint8Array(size);
  let steps = 0;
  live[0] = 1;
  steps += closeOverGlobstars(pattern, live);
  for (const segment of type) {
    next.fill(0);
    let any = false;
    for (let position = 0; position < pattern.length; position += 1) {
      if (!live[position]) continue;
      steps += 1;
      const wanted = pattern[position];
      if (wanted === '**') {
        next[position] = 1;
        any = true;
      } else if (wanted === '*' || wanted === segment) {
        next[position + 1] = 1;
        any = true;
      }
    }
    if (!any) return { matched: false, steps };
    steps += closeOverGlobstars(pattern, next);
    [live, next] = [next, live];
  }
  return { matched: live[pattern.length] === 1, steps };
}

/** Adds the positions reachable by letting each live `**` match zero segments; returns the work. */
function closeOverGlobstars(pattern: readonly string[], live: Uint8Array): number {
  let steps = 0;
  for (let position = 0; position < pattern.length; position += 1) {
    steps += 1;
    if (live[position] && pattern[position] === '**') live[position + 1] = 1;
  }
  return steps;
}
