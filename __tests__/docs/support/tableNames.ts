import ts from 'typescript';
import { type CodeSpan, parseCodeSpan, type SpanValue } from './codeSpan';
import type { PackageSurface } from './packageSurface';

/** One name a table cell claims, and what is wrong with it (nothing when it exists). */
export interface NameCheck {
  /** What is checked, e.g. `prop ConnectionCounter.mode` or `option maxReconnectAttempts`. */
  name: string;
  /** The code span it comes from. */
  span: string;
  /** Why it does not hold; undefined when it does. */
  problem?: string;
}

/** Variable names the table uses for instances, and the exported class each stands for. */
const RECEIVERS: Readonly<Record<string, string>> = {
  broadcaster: 'Broadcaster',
  stream: 'SseStream',
  dispatcher: 'EventDispatcher',
  updater: 'ElementUpdater',
};

/**
 * Checks every name the code spans of one table cell claim against the package: exports of the
 * entry points, props of the named component (and literal values the prop's type lists), members
 * along a chain such as `broadcaster.stats().connections`, the keys of an object passed to a call
 * against that parameter's type, and bare names (`maxReconnectAttempts`) against the types named
 * earlier in the same cell. A span it cannot read is itself a failed check.
 */
export function checkCell(surface: PackageSurface, spans: readonly string[]): NameCheck[] {
  const checks: NameCheck[] = [];
  /** Types named so far in the cell: where a bare option name may belong. */
  const context: ts.Type[] = [];
  for (const span of spans) {
    const claim = (name: string, problem?: string): void => {
      checks.push({ name, span, problem });
    };
    checkSpan(surface, parseCodeSpan(span), context, claim);
  }
  return checks;
}

type Claim = (name: string, problem?: string) => void;

function checkKeys(surface: PackageSurface, owner: string, type: ts.Type, keys: readonly string[], claim: Claim): void {
  for (const key of keys) claim(`${owner} has ${key}`, surface.property(type, key) ? undefined : `no ${key}`);
}

function checkSpan(surface: PackageSurface, span: CodeSpan, context: ts.Type[], claim: Claim): void {
  if (span.kind === 'component') checkComponent(surface, span, context, claim);
  else if (span.kind === 'chain') checkChain(surface, span, context, claim);
  else if (span.kind === 'object') {
    for (const key of span.keys)
      claim(`option ${key}`, context.some((type) => surface.property(type, key)) ? undefined : 'in no type of the row');
  } else if (span.kind === 'domEvent')
    claim(
      `DOM event ${span.name}`,
      surface.domEvents().includes(span.name) ? undefined : 'not in the monitor contract',
    );
  else if (span.kind === 'unreadable')
    claim(`readable span ${span.text}`, 'cannot be read as a component, chain or object');
  // A `text` span (a string literal, route, setting or file name) names nothing to look up.
}

function checkComponent(
  surface: PackageSurface,
  span: Extract<CodeSpan, { kind: 'component' }>,
  context: ts.Type[],
  claim: Claim,
): void {
  const symbol = surface.exported(span.name);
  claim(`export ${span.name}`, symbol ? undefined : 'not exported');
  const parameter = symbol && surface.signature(surface.valueType(symbol), false)?.parameters[0];
  if (!parameter) {
    if (symbol) claim(`${span.name} takes props`, 'no props parameter');
    return;
  }
  const props = surface.typeOf(parameter);
  context.push(props);
  for (const { name, value } of span.props) {
    const prop = surface.property(props, name);
    claim(`prop ${span.name}.${name}`, prop ? undefined : 'not a prop');
    if (prop && value) checkValue(surface, `${span.name}.${name}`, surface.typeOf(prop), value, claim);
  }
}

function checkValue(surface: PackageSurface, owner: string, type: ts.Type, value: SpanValue, claim: Claim): void {
  if (value.kind === 'object') checkKeys(surface, owner, type, value.keys, claim);
  if (value.kind !== 'string') return;
  const literals = surface.stringLiterals(type);
  claim(
    `${owner}="${value.text}"`,
    literals === undefined || literals.includes(value.text) ? undefined : `not one of ${literals.join(', ')}`,
  );
}

function checkChain(
  surface: PackageSurface,
  span: Extract<CodeSpan, { kind: 'chain' }>,
  context: ts.Type[],
  claim: Claim,
): void {
  const [first, second] = span.steps;
  if (first.kind !== 'name') return;
  let type: ts.Type | undefined;
  let label = first.name;
  let index = 1;
  const symbol = surface.exported(first.name);
  if (first.name === 'window' && second?.kind === 'name' && second.name === 'sseMonitor') {
    type = surface.pageApi();
    label = 'window.sseMonitor';
    index = 2;
  } else if (RECEIVERS[first.name] !== undefined) {
    const receiver = surface.exported(RECEIVERS[first.name]);
    claim(`export ${RECEIVERS[first.name]} (as ${first.name})`, receiver ? undefined : 'not exported');
    if (!receiver) return;
    type = surface.declaredType(receiver);
  } else if (symbol) {
    claim(`export ${first.name}`);
    if (span.steps.length === 1) {
      // A class or a type named bare: its members may be named bare later in the cell.
      if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))
        context.push(surface.declaredType(symbol));
      return;
    }
    type = surface.valueType(symbol);
  } else if (span.steps.length === 1) {
    const found = context.some((each) => surface.property(each, first.name));
    claim(`option ${first.name}`, found ? undefined : 'not exported, nor in a type of the row');
    return;
  } else {
    claim(`export ${first.name}`, 'not exported');
    return;
  }
  context.push(type);
  let constructed = span.constructed;
  for (const step of span.steps.slice(index)) {
    if (step.kind === 'name') {
      const member = surface.property(type, step.name);
      claim(`member ${label}.${step.name}`, member ? undefined : 'no such member');
      if (!member) return;
      type = surface.typeOf(member);
      label = `${label}.${step.name}`;
    } else {
      const signature = surface.signature(type, constructed);
      if (!signature) {
        claim(`${label} is callable`, 'not callable');
        return;
      }
      step.args.forEach((arg, position) => {
        if (arg.kind !== 'object') return;
        const parameter = signature.parameters[position];
        claim(`${label} takes an object as argument ${position + 1}`, parameter ? undefined : 'no such parameter');
        if (!parameter) return;
        const options = surface.typeOf(parameter);
        context.push(options);
        checkKeys(surface, `argument ${position + 1} of ${label}`, options, arg.keys, claim);
      });
      type = surface.checker.getReturnTypeOfSignature(signature);
      context.push(type);
      label = `${label}()`;
    }
    constructed = false;
  }
}
