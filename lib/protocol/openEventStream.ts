import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { encodeRetry } from './wireFormat';

/** Options of {@link openEventStream}. */
export interface OpenEventStreamOptions {
  /** Base reconnection delay sent as the first `retry:` field, in ms. Default 2000. */
  retryMs?: number;
  /** Up to this many ms are added at random per connection, to spread reconnect storms. Default 1000. */
  retryJitterMs?: number;
}

/** The response headers of an event stream (no `Connection` header on HTTP/2, where it is forbidden). */
export function eventStreamHeaders(req: IncomingMessage | Http2ServerRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  };
  if (req.httpVersionMajor < 2) headers.Connection = 'keep-alive';
  return headers;
}

/**
 * Turns a plain Node response into an open event stream: SSE headers (no `Connection` header
 * on HTTP/2, where it is forbidden), sent at once; Nagle off and no socket timeout, so small
 * frames leave immediately and idle streams are not cut; then a first `retry:` field with
 * per-connection jitter. Works with `node:http`, `node:http2` and Express alike.
 */
export function openEventStream(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  options: OpenEventStreamOptions = {},
): void {
  const retryMs = options.retryMs ?? 2000;
  const jitterMs = options.retryJitterMs ?? 1000;
  res.writeHead(200, eventStreamHeaders(req));
  const socket = req.socket;
  socket.setNoDelay?.(true);
  socket.setTimeout?.(0);
  // The request timeout of node:http would otherwise end a long-lived stream.
  (req as IncomingMessage).setTimeout?.(0);
  (res as ServerResponse).write(encodeRetry(retryMs + Math.floor(Math.random() * (jitterMs + 1))));
}
