import { connect } from 'node:net';
import { EventStreamParser } from '../lib/protocol/eventStreamParser';
import { GAP_EVENT } from '../lib/protocol/protocolEvents';
import { AWAY_SECONDS, FigurePage } from './dashboardFigures';
import { HttpStreamReader } from './httpStreamReader';

/** Where the client resumes, and how long it waits for a complete page. */
export interface ResumeRequest {
  port: number;
  path: string;
  /** The id of the last event the page had, sent as `Last-Event-ID`. */
  lastEventId: string;
  timeoutMs: number;
}

/** What one resume took until its page showed the current value of every figure. */
export interface ResumeResult {
  /** Whether every figure reached its current value within the timeout. */
  complete: boolean;
  /**
   * Events dispatched other than the library's own (`sse:connection`, `sse:cursor`): each is a
   * swap a browser would make, figures and others alike.
   */
  events: number;
  /** Events whose data was not a figure (none expected). */
  otherEvents: number;
  /** `sse:gap` events (none expected: the cursor is inside history). */
  gaps: number;
  /** Bytes of the event stream's body, from its first byte to the one that completed the page. */
  bytes: number;
  /** From writing the request to reading the chunk that completed the page, in ms. */
  completeMs: number;
}

/** The library's own events (`protocolEvents.ts`): no swap, and not counted as replayed. */
const PROTOCOL_PREFIX = 'sse:';

/**
 * Resumes the compaction scenario's dashboard once: a page that shows second 0 of every figure
 * opens its stream with `Last-Event-ID` over a plain socket, swaps in what arrives, and stops
 * when every figure shows second {@link AWAY_SECONDS} (or at the timeout).
 */
export function resumeDashboard(request: ResumeRequest): Promise<ResumeResult> {
  return new Promise((resolve, reject) => {
    const page = new FigurePage(0, AWAY_SECONDS);
    const parser = new EventStreamParser();
    const result: ResumeResult = { complete: false, events: 0, otherEvents: 0, gaps: 0, bytes: 0, completeMs: 0 };
    const socket = connect({ host: '127.0.0.1', port: request.port, noDelay: true });
    let started = 0;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result);
    };
    const timer = setTimeout(() => finish(), request.timeoutMs);
    const reader = new HttpStreamReader({
      onHead: ({ status }) => {
        if (status !== 200) finish(new Error(`resume answered HTTP ${status}`));
      },
      onText: (text) => {
        const bytes = Buffer.from(text, 'utf8');
        result.bytes += bytes.length;
        for (const block of parser.push(bytes)) {
          if (!block.dispatched) continue;
          if (block.type === GAP_EVENT) result.gaps += 1;
          if (block.type.startsWith(PROTOCOL_PREFIX)) continue;
          result.events += 1;
          if (!page.swap(block.data)) result.otherEvents += 1;
        }
        if (page.complete) {
          result.completeMs = performance.now() - started;
          result.complete = true;
          finish();
        }
      },
      onError: finish,
    });
    socket.on('data', (bytes: Buffer) => reader.push(bytes));
    socket.once('error', finish);
    socket.once('close', () => finish());
    socket.once('connect', () => {
      started = performance.now();
      socket.write(
        `GET ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:${request.port}\r\nAccept: text/event-stream\r\nLast-Event-ID: ${request.lastEventId}\r\n\r\n`,
      );
    });
  });
}
