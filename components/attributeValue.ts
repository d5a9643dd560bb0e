import { escapeHtml } from '@kitajs/html';

/**
 * A user string made exact for an attribute: Kita escapes only `"` in attribute values, so an
 * `&amp;` in the string would reach the DOM as `&`. Escaping `&`, `<`, `"` and `'` here (Kita then
 * finds no `"` left to escape) makes the browser's attribute value equal the string.
 */
export function attributeValue(value: string): string {
  return escapeHtml(value);
}
