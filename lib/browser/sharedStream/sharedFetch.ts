import type { SharedStreamClient } from './sharedStreamClient';
import { streamAddressOf } from './streamAddress';

/** A `fetch` for htmx 4's `hx-sse`. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** An event as htmx 4's parser reads it again (the server's fields hold no line breaks but in data). */
function frameOf(type: string, data: string, id: string): string {
  const event = type === 'message' ? '' : `event: ${type}\n`;
  return `${event}${id ? `id: ${id}\n` : ''}data: ${data.split('\n').join('\ndata: ')}\n\n`;
}

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

function lastEventIdOf(headers: HeadersInit | undefined): string {
  return headers ? (new Headers(headers).get('last-event-id') ?? '') : '';
}

/**
 * A `fetch` that answers a stream request from the shared stream: the response is an event stream
 * re-encoded from the element's channels' events (ids included), so htmx 4's own parser, swaps and
 * events work unchanged. The cursor is the `Last-Event-ID` header, else the URL's `lastEventId`.
 * A refusal is answered with its status; the shared stream's end ends the body. Requests that
 * are not for the middleware go to `fallback`. `silenceMs` is the element's heartbeat timeout.
 */
export function sharedFetch(client: SharedStreamClient, silenceMs: number, fallback: FetchFunction): FetchFunction {
  return (input, init) => {
    const target = streamAddressOf(urlOf(input));
    if (!target || target.prefix !== client.prefix) return fallback(input, init);
    const cursor = lastEventIdOf(init?.headers) || target.cursor;
    return new Promise<Response>((resolve, reject) => {
      const encoder = new TextEncoder();
      let body: ReadableStreamDefaultController<Uint8Array> | undefined;
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        body?.close();
      };
      const subscription = client.subscribe(
        { channels: target.channels, cursor, silenceMs },
        {
          opened: (cursor) => {
            resolve(
              new Response(
                new ReadableStream<Uint8Array>({
                  start: (controller) => {
                    body = controller;
                  },
                  cancel: () => {
                    ended = true;
                    subscription.close();
                  },
                }),
                { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } },
              ),
            );
            // An id with no data, as a stream of its own opens with: htmx 4 resumes from it if the
            // stream is lost before any event (else what was published meanwhile would be skipped).
            if (cursor) body?.enqueue(encoder.encode(`id: ${cursor}\n\n`));
          },
          event: (type, data, id) => {
            if (ended) return;
            body?.enqueue(encoder.encode(frameOf(type, data, id)));
          },
          dropped: (streamEnd) => {
            end();
            if (streamEnd.status !== undefined) resolve(new Response(null, { status: streamEnd.status }));
            else reject(new TypeError(`shared stream: ${streamEnd.reason}`));
          },
        },
      );
      init?.signal?.addEventListener('abort', () => {
        end();
        subscription.close();
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  };
}
