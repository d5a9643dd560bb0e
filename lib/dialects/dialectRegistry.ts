import type { Dialect } from '../protocol/monitorContract';
import { describeValue } from '../validation/describeValue';
import type { DialectDescriptor } from './dialectDescriptor';
import { htmx2Dialect } from './htmx2Dialect';
import { htmx4Dialect } from './htmx4Dialect';

/** The dialects the package ships, in the order the runtime tries them on an element. */
const BUILT_IN = [htmx2Dialect, htmx4Dialect] as const;

/** The public `Dialect` type names exactly the shipped dialects (a compile error here says which side lacks one). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const NAMES_MATCH: Same<Dialect, (typeof BUILT_IN)[number]['name']> = true;
void NAMES_MATCH;

const registered: DialectDescriptor[] = [...BUILT_IN];

/** Every registered dialect, built-in ones first. */
export function dialects(): readonly DialectDescriptor[] {
  return registered;
}

/** The names of every registered dialect. */
export function dialectNames(): string[] {
  return registered.map((dialect) => dialect.name);
}

/**
 * The dialect named `name`.
 * @throws TypeError naming the value and the registered names when there is none.
 */
export function dialectNamed(name: unknown): DialectDescriptor {
  const found = registered.find((dialect) => dialect.name === name);
  if (!found) throw new TypeError(`dialect must be one of ${dialectNames().join(', ')}, got ${describeValue(name)}`);
  return found;
}

/**
 * Adds a dialect (a test's, or one under development) after the built-in ones. The server and
 * the browser bundle each read this registry, so a bundle that should run the dialect registers it too.
 * @throws TypeError when a dialect of that name is registered already.
 */
export function registerDialect(dialect: DialectDescriptor): void {
  if (registered.some((known) => known.name === dialect.name))
    throw new TypeError(`dialect ${describeValue(dialect.name)} is registered already`);
  registered.push(dialect);
}
