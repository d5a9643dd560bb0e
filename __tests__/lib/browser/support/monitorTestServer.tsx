import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConnectionMonitor } from '../../../../components/ConnectionMonitor';
import { createSseComponents } from '../../../../components/createSseComponents';
import type { Dialect } from '../../../../components/dialect';
import type { MonitorOptions } from '../../../../components/monitorOptions';
import { SseElement } from '../../../../components/SseElement';
import { SseHead } from '../../../../components/SseHead';
import { type Broadcaster, createBroadcaster } from '../../../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../../../middleware/sseMiddleware';

/** One monitored connection on a test page. */
export interface PageConnection {
  id: string;
  /** Channel on the middleware, or a name under `/missing/`, which always answers 404. */
  channel: string;
  missing?: boolean;
  config?: MonitorOptions;
  closeEvent?: string;
  /** False: this element keeps its own stream even on a page that shares one. */
  sharedStream?: boolean;
  /** Rendered by `createSseComponents({ broadcaster })`: the stream URL carries the render-time cursor. */
  renderCursor?: boolean;
}

/** A test page: its dialect, connections, and (when set) a strict nonce-based CSP. */
export interface TestPageSpec {
  dialect: Dialect;
  connections: PageConnection[];
  nonce?: string;
  /**
   * One stream per browser for the page's elements (`<SseHead sharedStream>`). Default false here
   * (unlike the component), so that the suites about one element's own stream see its requests.
   */
  sharedStream?: boolean;
}

/** A stream request as the server saw it. */
export interface StreamRequest {
  /** The path's channel, or the `channels` query of a multi-channel stream as given. */
  channel: string;
  /** Every channel it asked for. */
  channels: string[];
  /** `query` for `{prefix}?channels=…` (the shared stream's form), `path` for `{prefix}/{channel}`. */
  form: 'path' | 'query';
  /** The resume cursor it carried (`Last-Event-ID` header or `lastEventId` query). */
  cursor: string | undefined;
  /** Whether the response has closed. */
  closed: boolean;
}

function TestPage({ spec, broadcaster }: { spec: TestPageSpec; broadcaster: Broadcaster<undefined> }): JSX.Element {
  const withCursor = createSseComponents({ dialect: spec.dialect, broadcaster }).SseElement;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>monitor test</title>
        <SseHead dialect={spec.dialect} nonce={spec.nonce} sharedStream={spec.sharedStream ?? false} />
      </head>
      <body>
        {spec.connections.map((connection) => {
          const Element = connection.renderCursor ? withCursor : SseElement;
          return (
            <section>
              <ConnectionMonitor connectionId={connection.id} config={connection.config} />
              <Element
                connectionId={connection.id}
                {...(connection.missing ? { url: `/missing/${connection.channel}` } : { channel: connection.channel })}
                dialect={spec.dialect}
                swap="beforeend"
                closeEvent={connection.closeEvent}
                sharedStream={connection.sharedStream}
              >
                <p class="initial">waiting</p>
              </Element>
            </section>
          );
        })}
      </body>
    </html>
  );
}

/**
 * A real Express app with `sseMiddleware()` serving test pages built from the components, that
 * records every stream request and can be stopped and restarted on the same port while keeping
 * its broadcaster (and so its history).
 */
/** Channels with this prefix are refused by the server's `authorize` (HTTP 403). */
export const FORBIDDEN_PREFIX = 'forbidden-';

export class MonitorTestServer {
  readonly broadcaster: Broadcaster<undefined>;
  /** Stream requests (GET): a HEAD, how htmx 2's monitor learns the status of a refused EventSource, is none. */
  readonly requests: StreamRequest[] = [];
  readonly #app = express();
  readonly #pages: TestPageSpec[] = [];
  readonly #ownPages: (() => JSX.Element)[] = [];
  readonly #silenced = new Set<string>();
  /** Channels whose every new stream is silenced, until the test lifts it. */
  readonly #silencedUntilLifted = new Set<string>();
  readonly #held = new Map<string, Promise<void>>();
  #server: Server;
  #port = 0;
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(keepAliveMs: number, historySize: number) {
    this.broadcaster = createBroadcaster<undefined>({ history: { size: historySize } });
    this.#app.get('/favicon.ico', (_req, res) => void res.status(204).end());
    this.#app.get('/page/:index', async (req, res) => {
      const spec = this.#pages[Number(req.params.index)];
      if (!spec) return void res.status(404).json({ error: 'no such page' });
      if (spec.nonce) {
        res.set(
          'Content-Security-Policy',
          `default-src 'self'; script-src 'nonce-${spec.nonce}'; style-src 'nonce-${spec.nonce}'; object-src 'none'; base-uri 'none'`,
        );
      }
      res.type('html').send(`<!doctype html>${await (<TestPage spec={spec} broadcaster={this.broadcaster} />)}`);
    });
    this.#app.get('/own/:index', async (req, res) => {
      const render = this.#ownPages[Number(req.params.index)];
      if (!render) return void res.status(404).json({ error: 'no such page' });
      const html = await render();
      res.type('html').send(html.startsWith('<html') ? `<!doctype html>${html}` : html);
    });
    this.#app.get('/missing/:name', (req, res) => {
      const channel = String(req.params.name);
      this.#record(req, { channel, channels: [channel], form: 'path', cursor: undefined, closed: true });
      this.#check();
      res.status(404).json({ error: 'no such stream' });
    });
    this.#app.use('/sse', (req, res, next) => {
      if (req.path.startsWith('/_')) return next();
      const list = typeof req.query.channels === 'string' ? req.query.channels : undefined;
      const channel = list ?? req.path.slice(1);
      const query = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined;
      const record: StreamRequest = {
        channel,
        channels: channel.split(','),
        form: list === undefined ? 'path' : 'query',
        cursor: req.get('last-event-id') ?? query,
        closed: false,
      };
      this.#record(req, record);
      res.once('close', () => {
        record.closed = true;
        this.#check();
      });
      this.#check();
      const held = this.#held.get(channel);
      if (held) {
        this.#held.delete(channel);
        return void held.then(() => next());
      }
      if (this.#silenced.delete(channel) || this.#silencedUntilLifted.has(channel)) {
        // Headers and the first frames are out; from now on the socket holds everything back.
        setImmediate(() => req.socket.cork());
      }
      next();
    });
    this.#app.use(
      sseMiddleware({
        broadcaster: this.broadcaster,
        keepAlive: { intervalMs: keepAliveMs },
        // A channel named `forbidden-…` is refused (403), as an app's authorize would.
        authorize: (_req, channel) => !channel.startsWith(FORBIDDEN_PREFIX),
      }),
    );
    this.#server = createServer(this.#app);
  }

  /** Starts on 127.0.0.1 and a free port; heartbeats every `keepAliveMs`; `historySize` events kept per channel. */
  static async start(keepAliveMs = 250, historySize = 100): Promise<MonitorTestServer> {
    const server = new MonitorTestServer(keepAliveMs, historySize);
    await server.#listen(0);
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Registers a page and returns its URL. */
  addPage(spec: TestPageSpec): string {
    this.#pages.push(spec);
    return `${this.url}/page/${this.#pages.length - 1}`;
  }

  /** Registers a page (or, unless it starts with `<html`, a fragment) the test renders itself on each request, and returns its URL. */
  addOwnPage(render: () => JSX.Element): string {
    this.#ownPages.push(render);
    return `${this.url}/own/${this.#ownPages.length - 1}`;
  }

  /** Stream requests for one channel (alone or among others), in order. */
  requestsFor(channel: string): StreamRequest[] {
    return this.requests.filter((request) => request.channels.includes(channel));
  }

  /** Stream requests still open. */
  openRequests(): StreamRequest[] {
    return this.requests.filter((request) => !request.closed);
  }

  /** Resolves once `predicate` holds over the recorded requests (checked on every request and close). */
  waitForRequests(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; requests: ${JSON.stringify(this.requests)}`)),
        timeoutMs,
      );
      const waiter = {
        check: predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (predicate()) waiter.resolve();
      else this.#waiters.push(waiter);
    });
  }

  /** The next stream on `channel` gets its headers, then nothing more while the socket stays open. */
  silenceNextStream(channel: string): void {
    this.#silenced.add(channel);
  }

  /** Every stream opened on `channel` from now on is silenced as {@link silenceNextStream}, until the returned function is called. */
  silenceStreams(channel: string): () => void {
    this.#silencedUntilLifted.add(channel);
    return () => void this.#silencedUntilLifted.delete(channel);
  }

  /** The next stream request on `channel` is recorded, then waits until the returned function is called. */
  holdNextStream(channel: string): () => void {
    let release = (): void => {};
    this.#held.set(
      channel,
      new Promise((resolve) => {
        release = resolve;
      }),
    );
    return () => release();
  }

  /** Publishes an `.item` fragment on `channel`. */
  publishItem(channel: string, text: string): Promise<unknown> {
    return this.broadcaster.publish(channel, { data: `<p class="item">${text}</p>` });
  }

  /** Publishes on `channel` a fragment whose out-of-band swap replaces the connection's own element. */
  publishReplacement(dialect: Dialect, connection: PageConnection, text: string): Promise<{ id: string }> {
    const replacement = (
      <SseElement
        connectionId={connection.id}
        channel={connection.channel}
        dialect={dialect}
        swap="beforeend"
        attributes={{ 'hx-swap-oob': 'outerHTML' }}
      >
        <p class="item" safe>
          {text}
        </p>
      </SseElement>
    );
    return this.broadcaster.publish(connection.channel, { data: replacement });
  }

  /** Stops the HTTP server and drops every socket (streams included); the broadcaster lives on. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port with the same app and broadcaster. */
  async restart(): Promise<void> {
    this.#server = createServer(this.#app);
    await this.#listen(this.#port);
  }

  /** Closes every stream and the server. */
  async close(): Promise<void> {
    await this.broadcaster.close({ reconnect: false, reason: 'test over' });
    if (this.#server.listening) await this.stop();
  }

  #record(req: express.Request, request: StreamRequest): void {
    if (req.method !== 'HEAD') this.requests.push(request);
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }
}
