/**
 * The size limit of one event, checked at `publish` before the bus stores it. A frame larger
 * than a client's buffer could never be delivered live, so the limit stays below `maxBufferedBytes`.
 */

/** Default of `maxEventBytes`: 512 KiB, or half of `maxBufferedBytes` when that is smaller. */
export const DEFAULT_MAX_EVENT_BYTES = 512 * 1024;

/** UTF-8 bytes one UTF-16 code unit can take, and the most one line break adds (`data: ` and `\n`). */
const MAX_BYTES_PER_UNIT = 3;
const LINE_OVERHEAD = 7;

/**
 * Bytes of the frame `encodeEvent` makes of `event` and `data`, without its `id:` line: each line
 * of `data` becomes `data: <line>\n`, so many short lines weigh more than their text.
 */
export function encodedEventBytes(event: string | undefined, data: string): number {
  const lf = occurrences(data, '\n');
  const cr = occurrences(data, '\r');
  // A CRLF is one line break of two bytes.
  const breaks = lf + cr - (cr === 0 || lf === 0 ? 0 : occurrences(data, '\r\n'));
  const eventLine = event === undefined ? 0 : Buffer.byteLength(event) + 8;
  return eventLine + Buffer.byteLength(data) - lf - cr + (breaks + 1) * LINE_OVERHEAD + 1;
}

/** How many times `part` occurs in `text`, by native scans rather than a loop over every character. */
function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) count += 1;
  return count;
}

/** Throws a `RangeError` naming the size and the limit when the encoded event is over `maxEventBytes`. */
export function assertEventSize(channel: string, event: string | undefined, data: string, maxEventBytes: number): void {
  // Most events are far below the limit even at their largest possible encoding: skip the count.
  const ceiling = (event?.length ?? 0) * MAX_BYTES_PER_UNIT + 8 + data.length * (MAX_BYTES_PER_UNIT + LINE_OVERHEAD);
  if (ceiling + LINE_OVERHEAD + 1 <= maxEventBytes) return;
  const size = encodedEventBytes(event, data);
  if (size > maxEventBytes)
    throw new RangeError(
      `publish to ${JSON.stringify(channel)}: the event is ${size} bytes encoded, over maxEventBytes (${maxEventBytes})`,
    );
}
