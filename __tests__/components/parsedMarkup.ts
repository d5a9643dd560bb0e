import { type HTMLElement, parse } from 'node-html-parser';

/** Parses a synchronously rendered Kita element with a real HTML parser (refuses async markup). */
export function parseMarkup(element: JSX.Element): HTMLElement {
  if (typeof element !== 'string') throw new TypeError('expected markup rendered synchronously, got a Promise');
  return parse(element);
}
