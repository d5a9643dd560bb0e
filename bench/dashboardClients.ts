import { connect, type Socket } from 'node:net';
import { EventStreamParser } from '../lib/protocol/eventStreamParser';
import { GAP_EVENT } from '../lib/protocol/protocolEvents';
import { FigurePage } from './dashboardFigures';
import { HttpStreamReader } from './httpStreamReader';

/** Where the pages open their streams, how many of each kind, and the second that completes a page. */
export interface DashboardRequest {
  port: number;
  path: string;
  /** Pages that read their stream as it comes. */
  reading: number;
  /** Pages that stop reading once the response head is in (a stalled client), until resumed. */
  stalled: number;
  /** The last second published: a page is complete when every figure shows it. */
  lastSecond: number;
}

/** What the reading pages got while the figures were published. */
export interface ReadingResult {
  /** Reading pages that showed the last second of every figure. */
  complete: number;
  /** Reading pages whose stream the server closed (evicted). */
  evicted: number;
  /** Figure events the reading pages received, all together. */
  events: number;
}

/** What the stalled pages took, once resumed, until they showed the last second of every figure. */
export interface StalledResult {
  /** Stalled pages that got there within the timeout. */
  complete: number;
  /** Stalled pages whose stream had been closed (evicted): they came back with `Last-Event-ID`. */
  evicted: number;
  /**
   * Of those, pages that came back to a gap (what they missed had left history): the stream
   * cannot complete them, the app must send the page anew.
   */
  gaps: number;
  /** Median bytes a stalled page read after it resumed, until complete (a new stream's included). */
  medianBytes: number;
  /** Median time from resuming to complete, in ms. */
  medianMs: number;
}

/** One page of the slow-client scenario. */
interface Page {
  socket: Socket | undefined;
  page: FigurePage;
  stalled: boolean;
  events: number;
  /** The stream's last event id, for a page that must come back. */
  lastEventId: string;
  evicted: boolean;
  /** It got `sse:gap`: the stream alone will not complete it. */
  gap: boolean;
  resumedAt: number;
  bytesAfterResume: number;
  completeMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The pages of the slow-client scenario: some read their dashboard stream, some stall until told
 * to read again. A page swaps in every figure it reads ({@link FigurePage}); a stalled page whose
 * stream the server ended comes back with its last event id, as `EventSource` would.
 */
export class DashboardClients {
  readonly #pages: Page[] = [];
  #request: DashboardRequest | undefined;
  /** Called after every read and close, while a wait is on. */
  #progress: (() => void) | undefined;
  /** The scenario is over: closes are ours, not evictions. */
  #ended = false;

  /** Opens every page's stream; resolves with how many opened. */
  async open(request: DashboardRequest, timeoutMs: number): Promise<number> {
    this.#request = request;
    const pages = [
      ...Array.from({ length: request.reading }, () => false),
      ...Array.from({ length: request.stalled }, () => true),
    ].map(
      (stalled): Page => ({
        socket: undefined,
        page: new FigurePage(0, request.lastSecond),
        stalled,
        events: 0,
        lastEventId: '',
        evicted: false,
        gap: false,
        resumedAt: 0,
        bytesAfterResume: 0,
        completeMs: 0,
      }),
    );
    const opened = await Promise.allSettled(pages.map((page) => this.#connect(page, undefined, timeoutMs)));
    this.#pages.push(...pages.filter((_, index) => opened[index]!.status === 'fulfilled'));
    return this.#pages.length;
  }

  /** Waits until every reading page is complete or evicted (or the timeout). */
  async awaitReading(timeoutMs: number): Promise<ReadingResult> {
    const reading = this.#pages.filter((page) => !page.stalled);
    await this.#until(() => reading.every((page) => page.page.complete || page.evicted), timeoutMs);
    return {
      complete: reading.filter((page) => page.page.complete).length,
      evicted: reading.filter((page) => page.evicted).length,
      events: reading.reduce((sum, page) => sum + page.events, 0),
    };
  }

  /**
   * Lets every stalled page read again; one whose stream was closed meanwhile opens a new one with
   * its last event id. Resolves once each is complete (or at the timeout).
   */
  async resumeStalled(timeoutMs: number): Promise<StalledResult> {
    const stalled = this.#pages.filter((page) => page.stalled);
    for (const page of stalled) {
      page.resumedAt = performance.now();
      page.stalled = false;
      page.socket?.resume();
    }
    await this.#until(() => stalled.every((page) => page.completeMs > 0 || page.gap), timeoutMs);
    this.#ended = true;
    for (const page of this.#pages) page.socket?.destroy();
    const done = stalled.filter((page) => page.completeMs > 0);
    return {
      complete: done.length,
      evicted: stalled.filter((page) => page.evicted).length,
      gaps: stalled.filter((page) => page.gap).length,
      medianBytes: median(done.map((page) => page.bytesAfterResume)),
      medianMs: median(done.map((page) => page.completeMs)),
    };
  }

  #until(done: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#progress = undefined;
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.#progress = () => {
        if (done()) finish();
      };
      this.#progress();
    });
  }

  /** Opens `page`'s stream (with `lastEventId` when it comes back); resolves once the head is in. */
  #connect(page: Page, lastEventId: string | undefined, timeoutMs: number): Promise<void> {
    const { port, path } = this.#request!;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      page.socket = socket;
      const parser = new EventStreamParser();
      const timer = setTimeout(() => socket.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
      const reader = new HttpStreamReader({
        onHead: ({ status }) => {
          clearTimeout(timer);
          if (status !== 200) return socket.destroy(new Error(`HTTP ${status}`));
          if (page.stalled) socket.pause();
          resolve();
        },
        onText: (text) => {
          const bytes = Buffer.from(text, 'utf8');
          if (page.resumedAt > 0) page.bytesAfterResume += bytes.length;
          for (const block of parser.push(bytes)) {
            if (block.type === GAP_EVENT) page.gap = true;
            if (!block.dispatched || !page.page.swap(block.data)) continue;
            page.events += 1;
          }
          page.lastEventId = parser.lastEventId;
          if (page.resumedAt > 0 && page.completeMs === 0 && page.page.complete)
            page.completeMs = performance.now() - page.resumedAt;
          this.#progress?.();
        },
        onError: (error) => socket.destroy(error),
      });
      socket.on('data', (bytes: Buffer) => reader.push(bytes));
      socket.on('error', reject);
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error('closed before the response head'));
        if (this.#ended || page.socket !== socket || page.page.complete) return;
        // The server ended a stream that still misses figures: it was evicted, and comes back.
        page.evicted = true;
        if (page.resumedAt > 0) this.#connect(page, page.lastEventId, timeoutMs).catch(() => undefined);
        this.#progress?.();
      });
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n${lastEventId ? `Last-Event-ID: ${lastEventId}\r\n` : ''}\r\n`,
      );
    });
  }
}
