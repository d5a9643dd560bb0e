/**
 * The SSE wire format (WHATWG HTML, "Server-sent events"): turns one event into the bytes of
 * its frame. Encoding happens once per event; the resulting Buffer is written to every client.
 */
import { assertRetry, assertSingleLineField } from './fieldValidation';
import { CURSOR_EVENT, GAP_EVENT, type GapEventData } from './protocolEvents';

/** One event ready for the wire: `data` is already text (see `serializeData`). */
export interface EncodableEvent {
  /** Event type; omitted means the client's default `message` event. No CR, LF or NUL. */
  event?: string;
  /** Payload text. Split on CR, LF and CRLF into one `data:` line each. */
  data: string;
  /** Event id, remembered by the client and sent back as `Last-Event-ID`. No CR, LF or NUL. */
  id?: string;
  /** Reconnection delay the client should use, in milliseconds. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Validates the fields of `message` and returns its frame as text (ending in a blank line). */
export function encodeEventText(message: EncodableEvent): string {
  let frame = '';
  if (message.event !== undefined) {
    assertSingleLineField('event', message.event);
    frame += `event: ${message.event}\n`;
  }
  if (message.id !== undefined) {
    assertSingleLineField('id', message.id);
    frame += `id: ${message.id}\n`;
  }
  if (message.retry !== undefined) {
    assertRetry(message.retry);
    frame += `retry: ${message.retry}\n`;
  }
  if (typeof message.data !== 'string') {
    throw new TypeError(`SSE field "data" must be a string once serialized, got ${typeof message.data}`);
  }
  for (const line of message.data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** Validates and encodes one event into the Buffer written to every recipient. */
export function encodeEvent(message: EncodableEvent): Buffer {
  return Buffer.from(encodeEventText(message), 'utf8');
}

/** Encodes a comment frame (`: text`), invisible to page scripts; multi-line text stays comments. */
export function encodeComment(text = ''): Buffer {
  return Buffer.from(
    `${text
      .split(LINE_BREAK)
      .map((line) => `:${line ? ` ${line}` : ''}`)
      .join('\n')}\n\n`,
    'utf8',
  );
}

/** Encodes a lone `retry:` field, sent first on a stream to set the client's reconnection delay. */
export function encodeRetry(milliseconds: number): Buffer {
  assertRetry(milliseconds);
  return Buffer.from(`retry: ${milliseconds}\n\n`, 'utf8');
}

/**
 * Encodes the cursor event a stream opens with (see {@link CURSOR_EVENT}): `id:` the position,
 * empty data, so a client that drops before its first event still resumes from where it started.
 */
export function encodeCursor(position: string): Buffer {
  assertSingleLineField('id', position);
  return Buffer.from(`event: ${CURSOR_EVENT}\nid: ${position}\ndata:\n\n`, 'utf8');
}

/**
 * Encodes a channel's gap event (see {@link GAP_EVENT}): no `id:`, so the client's cursor stays
 * where it was and a reconnect from it is told of the gap again.
 */
export function encodeGap(gap: GapEventData): Buffer {
  return encodeEvent({ event: GAP_EVENT, data: JSON.stringify(gap) });
}
