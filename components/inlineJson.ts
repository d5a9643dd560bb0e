/**
 * JSON safe to put in HTML: inside a `<script type="application/json">` or an attribute value.
 * `<`, `>`, `&`, U+2028 and U+2029 become `\u` escapes, so no `</script>`, `<!--` or entity can
 * appear in the text, and `JSON.parse` gives back exactly the value.
 * @throws TypeError when the value has no JSON form (undefined, a function, a symbol).
 */
export function inlineJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`inlineJson needs a JSON-serializable value, got ${typeof value}`);
  return json.replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
