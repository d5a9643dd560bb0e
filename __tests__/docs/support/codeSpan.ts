/**
 * What one `code span` of the README's TypeScript column says, read without a TypeScript parser
 * (the spans are fragments such as `<SseElement channel id>` or `sseMiddleware({ metadata(req) })`,
 * not valid code): a component with props, a chain of names and calls, an object's keys, or
 * something that is not a TypeScript name at all.
 */

/** An argument of a call, or a prop's value: an object literal's keys, a string literal, or anything else. */
export type SpanValue = { kind: 'object'; keys: string[] } | { kind: 'string'; text: string } | { kind: 'other' };

/** One step of a chain: a name (`.name`) or a call with its arguments. */
export type ChainStep = { kind: 'name'; name: string } | { kind: 'call'; args: SpanValue[] };

/** A parsed code span. */
export type CodeSpan =
  | { kind: 'component'; name: string; props: { name: string; value?: SpanValue }[] }
  | { kind: 'chain'; constructed: boolean; steps: ChainStep[] }
  | { kind: 'object'; keys: string[] }
  /** A string literal, a route, an environment setting or a file name: nothing to look up. */
  | { kind: 'text'; text: string }
  /** A DOM event name of the page runtime (`sse-monitor:state`). */
  | { kind: 'domEvent'; name: string }
  | { kind: 'unreadable'; text: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;
const CLOSERS: Record<string, string> = { '(': ')', '{': '}', '[': ']', '<': '>' };

/** Index just past the bracket that closes the one at `open`, or -1. */
function closing(text: string, open: number): number {
  const stack: string[] = [];
  for (let index = open; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, index + 1);
      if (end < 0) return -1;
      index = end;
    } else if (char in CLOSERS && char !== '<') stack.push(CLOSERS[char]);
    else if (char === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return index + 1;
    }
  }
  return -1;
}

/** Splits on the commas outside brackets and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '(' || char === '{' || char === '[' || char === "'" || char === '"') {
      const end = char === "'" || char === '"' ? text.indexOf(char, index + 1) + 1 : closing(text, index);
      if (end <= 0) break;
      index = end - 1;
    } else if (char === ',') {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '' && part !== '…' && !part.startsWith('...'));
}

/** The keys of an object literal's inside: `a`, `b: 1`, `c(req)`, `d = 2`. */
function objectKeys(inside: string): string[] {
  return splitTopLevel(inside).map((entry) => IDENTIFIER.exec(entry)?.[0] ?? entry);
}

function readValue(text: string): SpanValue {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && closing(trimmed, 0) === trimmed.length)
    return { kind: 'object', keys: objectKeys(trimmed.slice(1, -1)) };
  if (/^(['"]).*\1$/.test(trimmed)) return { kind: 'string', text: trimmed.slice(1, -1) };
  return { kind: 'other' };
}

function parseComponent(text: string): CodeSpan {
  const name = IDENTIFIER.exec(text.slice(1))?.[0];
  if (!name || !/^[A-Z]/.test(name)) return { kind: 'unreadable', text };
  const props: { name: string; value?: SpanValue }[] = [];
  let rest = text
    .slice(1 + name.length)
    .replace(/\/?>$/, '')
    .trimStart();
  for (; rest !== ''; rest = rest.trimStart()) {
    const prop = /^[A-Za-z_][\w-]*/.exec(rest)?.[0];
    if (!prop) return { kind: 'unreadable', text };
    rest = rest.slice(prop.length);
    if (!rest.startsWith('=')) {
      props.push({ name: prop });
      continue;
    }
    rest = rest.slice(1);
    const end = rest.startsWith('{') ? closing(rest, 0) : rest.startsWith('"') ? rest.indexOf('"', 1) + 1 : -1;
    if (end <= 0) return { kind: 'unreadable', text };
    const value = rest.slice(0, end);
    // `{{ a }}` is an object given as a prop; `{expr}` anything else.
    props.push({ name: prop, value: value.startsWith('"') ? readValue(value) : readValue(value.slice(1, -1)) });
    rest = rest.slice(end);
  }
  return { kind: 'component', name, props };
}

function parseChain(text: string): CodeSpan {
  const constructed = text.startsWith('new ');
  let rest = constructed ? text.slice(4) : text;
  const steps: ChainStep[] = [];
  while (rest !== '') {
    if (rest.startsWith('(')) {
      const end = closing(rest, 0);
      if (end < 0) return { kind: 'unreadable', text };
      steps.push({ kind: 'call', args: splitTopLevel(rest.slice(1, end - 1)).map(readValue) });
      rest = rest.slice(end);
      continue;
    }
    const dotted = steps.length > 0;
    if (dotted && !rest.startsWith('.')) return { kind: 'unreadable', text };
    const name = IDENTIFIER.exec(dotted ? rest.slice(1) : rest)?.[0];
    if (!name) return { kind: 'unreadable', text };
    steps.push({ kind: 'name', name });
    rest = rest.slice(name.length + (dotted ? 1 : 0));
  }
  return { kind: 'chain', constructed, steps };
}

/** Reads one code span of the table's TypeScript column. */
export function parseCodeSpan(span: string): CodeSpan {
  const text = span.trim();
  if (text.startsWith('<')) return parseComponent(text);
  if (text.startsWith('{')) {
    const value = readValue(text);
    return value.kind === 'object' ? { kind: 'object', keys: value.keys } : { kind: 'unreadable', text };
  }
  if (/^(['"]).*\1$/.test(text) || /^(GET|POST|HEAD) \S+$/.test(text) || /^[A-Z_]+=\S+$/.test(text))
    return { kind: 'text', text };
  if (/^[\w.-]+\.(js|css)$/.test(text)) return { kind: 'text', text };
  if (/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/.test(text)) return { kind: 'domEvent', name: text };
  return parseChain(text);
}
