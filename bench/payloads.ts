import type { PayloadKind } from './benchProtocol';
import { renderScoreboard } from './htmlFragment';

/** Where the load generator finds the publish time in any payload (also inside JSON quotes). */
export const PUBLISHED_AT_MARKER = 't=';
/** Where it finds the event's sequence number, for servers whose ids are not consecutive. */
const SEQUENCE_MARKER = 's=';

/** The stamp every payload carries: publish time and sequence. */
export function payloadStamp(sequence: number, publishedAt: number): string {
  return `${PUBLISHED_AT_MARKER}${publishedAt.toFixed(3)};${SEQUENCE_MARKER}${sequence};`;
}

function padded(sequence: number, publishedAt: number, length: number): string {
  return payloadStamp(sequence, publishedAt).padEnd(length, 'x');
}

/** The data of event `sequence` of a plan, stamped with its publish time (ms since epoch). */
export function renderPayload(kind: PayloadKind, sequence: number, publishedAt: number): string {
  if (kind === 'text128') return padded(sequence, publishedAt, 128);
  if (kind === 'text1k') return padded(sequence, publishedAt, 1024);
  return renderScoreboard(sequence, payloadStamp(sequence, publishedAt));
}

/** The shortest data a client can receive for a payload (its length before any serializer). */
export function minimumDataLength(kind: PayloadKind): number {
  return renderPayload(kind, 1, 0).length;
}

/** Reads the publish time stamped by {@link renderPayload}, or NaN. */
export function publishedAtOf(data: string): number {
  const at = data.indexOf(PUBLISHED_AT_MARKER);
  return at === -1
    ? Number.NaN
    : Number.parseFloat(data.slice(at + PUBLISHED_AT_MARKER.length, at + PUBLISHED_AT_MARKER.length + 24));
}

/** Reads the sequence stamped by {@link renderPayload}, or NaN. */
export function sequenceInPayload(_id: string, data: string): number {
  const at = data.indexOf(SEQUENCE_MARKER);
  return at === -1
    ? Number.NaN
    : Number.parseInt(data.slice(at + SEQUENCE_MARKER.length, at + SEQUENCE_MARKER.length + 16), 10);
}

/** Wall-clock time in ms with sub-ms precision, comparable across processes on one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
