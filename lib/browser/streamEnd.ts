/**
 * Why a stream ended, as the runtime passes it around: typed, never text to be parsed back.
 * `status` is set when the server refused the stream with an HTTP status (the answer was no event
 * stream); without it the stream was lost (unreachable, ended, closed, silent). `reason` says how,
 * for the console log only.
 */
export interface StreamEnd {
  /** The HTTP status of a refusal; absent when the stream was lost. */
  readonly status?: number;
  /** A few words for the log. */
  readonly reason: string;
}

/** The server answered `status` instead of an event stream. */
export function refusedEnd(status: number): StreamEnd {
  return { status, reason: `HTTP ${status}` };
}

/** The stream was lost: `reason` says how. */
export function lostEnd(reason: string): StreamEnd {
  return { reason };
}

/** True when the server refused the stream with a 4xx status (the client should not ask again as it is). */
export function isClientRefusal(end: StreamEnd): boolean {
  return end.status !== undefined && end.status >= 400 && end.status < 500;
}
