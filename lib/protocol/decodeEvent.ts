/**
 * Reads back a frame made by `encodeEvent`: its event type and data, for the decoded history
 * (`broadcaster.recent`) of a bus that keeps only encoded frames. Line breaks in the data come
 * back as LF (the wire format cannot tell CRLF from LF).
 */
export function decodeEvent(frame: Buffer): { event: string | undefined; data: string } {
  let event: string | undefined;
  const lines: string[] = [];
  for (const line of frame.toString('utf8').split('\n')) {
    if (line.startsWith('data: ')) lines.push(line.slice(6));
    else if (line.startsWith('event: ')) event = line.slice(7);
  }
  return { event, data: lines.join('\n') };
}
