/**
 * Why a stream ended, as the runtime passes it around: typed, never text to be parsed back.
 * `status` is set when the server refused the stream with an HTTP status (the answer was no event
 * stream); without it the stream was lost (unreachable, ended, closed, silent). `reason` says how,
 * for the console log only.
 */
export interface StreamEnd {
  /** The HTTP status of a refusal; absent when the stream was lost. */
  readonly status?: number;
  /** The channel a 403 refused, as the middleware's JSON body names it; absent when it named none. */
  readonly channel?: string;
  /** A few words for the log. */
  readonly reason: string;
}

/** The server answered `status` instead of an event stream (refusing `channel`, when it named one). */
export function refusedEnd(status: number, channel?: string): StreamEnd {
  return channel === undefined ? { status, reason: `HTTP ${status}` } : { status, channel, reason: `HTTP ${status}` };
}

/** The stream was lost: `reason` says how. */
export function lostEnd(reason: string): StreamEnd {
  return { reason };
}

/** True when the server refused the stream with a 4xx status (the client should not ask again as it is). */
export function isClientRefusal(end: StreamEnd): boolean {
  return end.status !== undefined && end.status >= 400 && end.status < 500;
}

/** True when the server refused the stream for want of access (401 or 403): asking again would be refused again. */
export function isAccessRefusal(end: StreamEnd): boolean {
  return end.status === 401 || end.status === 403;
}

/**
 * The end a refused `response` stands for: its status and, for a 403, the channel the
 * middleware's JSON body (`{ channel, error }`) names. The body is read only then, and a body
 * that is not that JSON names no channel.
 */
export async function refusalOf(response: Response): Promise<StreamEnd> {
  if (response.status !== 403) {
    response.body?.cancel().catch(() => undefined);
    return refusedEnd(response.status);
  }
  try {
    const { channel } = (await response.json()) as { channel?: unknown };
    return refusedEnd(403, typeof channel === 'string' ? channel : undefined);
  } catch {
    return refusedEnd(403);
  }
}
