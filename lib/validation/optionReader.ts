/**
 * The one way the library checks options: every public constructor and factory reads its options
 * through an {@link OptionReader}, so a bad option always fails the same way, with a `TypeError`
 * that names the function, the option, what was expected and what was received.
 */
import { describeValue } from './describeValue';

/** The error of a bad option: `sseMiddleware: option "prefix" must be a path starting with "/", got "sse"`. */
export function optionError(owner: string, option: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${owner}: option "${option}" must be ${expected}, got ${describeValue(value)}`);
}

/** Bounds of a numeric option. */
export interface NumberBounds {
  /** Smallest value allowed. Default 0. */
  min?: number;
  /** Largest value allowed. Default none. */
  max?: number;
}

/** Reads the options object of one function; each method checks one option and applies its default. */
export class OptionReader<O extends object> {
  readonly #owner: string;
  readonly #options: Partial<O>;

  /**
   * @param owner - the function or class the options belong to, as the user calls it.
   * @param options - what the user passed; `undefined` reads as `{}`.
   * @throws TypeError unless `options` is an object or undefined.
   */
  constructor(owner: string, options: unknown) {
    this.#owner = owner;
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError(`${owner}: options must be an object, got ${describeValue(options)}`);
    }
    this.#options = (options ?? {}) as Partial<O>;
  }

  /** The raw value of an option, unchecked (for options that a dedicated check validates). */
  raw<K extends keyof O & string>(name: K): O[K] | undefined {
    return this.#options[name];
  }

  /** The error for option `name` holding `value`, e.g. from a dedicated check. */
  error(name: string, expected: string, value: unknown): TypeError {
    return optionError(this.#owner, name, expected, value);
  }

  /** A whole number within `bounds`, or `fallback` when the option is absent. */
  integer<K extends keyof O & string>(name: K, fallback: number, bounds: NumberBounds = {}): number {
    return this.#number(name, fallback, bounds, true);
  }

  /** A finite number within `bounds`, or `fallback` when the option is absent. */
  number<K extends keyof O & string>(name: K, fallback: number, bounds: NumberBounds = {}): number {
    return this.#number(name, fallback, bounds, false);
  }

  /** A boolean, or `fallback` when the option is absent. */
  boolean<K extends keyof O & string>(name: K, fallback: boolean): boolean {
    const value = this.#options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw this.error(name, 'a boolean', value);
    return value;
  }

  /** One of `allowed`, or `fallback` when the option is absent. */
  oneOf<K extends keyof O & string, V extends string>(name: K, allowed: readonly V[], fallback: V): V {
    const value = this.#options[name];
    if (value === undefined) return fallback;
    if (!allowed.includes(value as unknown as V))
      throw this.error(name, `one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`, value);
    return value as unknown as V;
  }

  /** A string matching `pattern` (described as `expected`), or `fallback` when absent. */
  string<K extends keyof O & string>(name: K, fallback: string, pattern: RegExp, expected: string): string {
    const value = this.#options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !pattern.test(value)) throw this.error(name, expected, value);
    return value;
  }

  /** A function, or `undefined` when the option is absent. */
  optionalFunction<K extends keyof O & string>(name: K): O[K] | undefined {
    const value = this.#options[name];
    if (value !== undefined && typeof value !== 'function') throw this.error(name, 'a function', value);
    return value as O[K] | undefined;
  }

  /** A function that must be given. */
  requiredFunction<K extends keyof O & string>(name: K): NonNullable<O[K]> {
    const value = this.#options[name];
    if (typeof value !== 'function') throw this.error(name, 'a function', value);
    return value as NonNullable<O[K]>;
  }

  #number(name: string, fallback: number, { min = 0, max }: NumberBounds, whole: boolean): number {
    const value = (this.#options as Record<string, unknown>)[name];
    if (value === undefined) return fallback;
    const kind = whole ? 'an integer' : 'a number';
    const range =
      max !== undefined ? `from ${min} to ${max}` : min === Number.NEGATIVE_INFINITY ? '(finite)' : `>= ${min}`;
    const valid =
      typeof value === 'number' &&
      (whole ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
      value >= min &&
      (max === undefined || value <= max);
    if (!valid) throw this.error(name, `${kind} ${range}`, value);
    return value as number;
  }
}
