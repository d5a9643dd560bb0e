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
  let breaks = 0;
  let breakBytes = 0;
  for (let i = 0; i < data.length; i += 1) {
    const code = data.charCodeAt(i);
    if (code === 13 && data.charCodeAt(i + 1) === 10) {
      breaks += 1;
      breakBytes += 2;
      i += 1;
    } else if (code === 10 || code === 13) {
      breaks += 1;
      breakBytes += 1;
    }
  }
  const eventLine = event === undefined ? 0 : Buffer.byteLength(event) + 8;
  return eventLine + Buffer.byteLength(data) - breakBytes + (breaks + 1) * LINE_OVERHEAD + 1;
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
