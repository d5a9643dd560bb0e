/**
 * Reads the first start tag of an HTML fragment (the root element a component rendered), so an
 * attribute can be added to it without a DOM. It follows the HTML tokenizer's rules for
 * attributes (quoted with `"` or `'`, or unquoted), which is what Kita and hand-written markup
 * produce; it does not decode character references.
 */

/** The root start tag of a fragment. */
export interface RootTag {
  /** Tag name, lower-cased. */
  name: string;
  /** Index just after the tag name: where a new attribute can be inserted. */
  nameEnd: number;
  /** Attribute names (lower-cased) and their raw values (`''` for bare attributes). */
  attributes: Map<string, string>;
}

const WHITESPACE = /\s/;
const TAG_NAME = /^<([A-Za-z][A-Za-z0-9-]*)/;

/** Returns the root start tag of `html`, or undefined when it does not start with an element. */
export function readRootTag(html: string): RootTag | undefined {
  let at = 0;
  while (at < html.length && WHITESPACE.test(html[at])) at += 1;
  const name = TAG_NAME.exec(html.slice(at, at + 64));
  if (!name) return undefined;
  const nameEnd = at + name[0].length;
  const attributes = new Map<string, string>();
  at = nameEnd;
  for (;;) {
    while (at < html.length && (WHITESPACE.test(html[at]) || html[at] === '/')) at += 1;
    if (at >= html.length) return undefined;
    if (html[at] === '>') return { name: name[1].toLowerCase(), nameEnd, attributes };
    const start = at;
    while (at < html.length && !/[\s/>=]/.test(html[at])) at += 1;
    const attribute = html.slice(start, at).toLowerCase();
    while (at < html.length && WHITESPACE.test(html[at])) at += 1;
    let value = '';
    if (html[at] === '=') {
      at += 1;
      while (at < html.length && WHITESPACE.test(html[at])) at += 1;
      const quote = html[at];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, at + 1);
        if (close === -1) return undefined;
        value = html.slice(at + 1, close);
        at = close + 1;
      } else {
        const valueStart = at;
        while (at < html.length && !/[\s>]/.test(html[at])) at += 1;
        value = html.slice(valueStart, at);
      }
    }
    if (!attributes.has(attribute)) attributes.set(attribute, value);
  }
}
