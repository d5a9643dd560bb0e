/** `value` as an `Error`: itself when it is one, else an `Error` whose message is its text. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
