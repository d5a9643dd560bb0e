import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConnectionMonitor } from '../../../../components/ConnectionMonitor';
import type { Dialect } from '../../../../components/dialect';
import { SseElement } from '../../../../components/SseElement';
import { SseHead } from '../../../../components/SseHead';
import { SseInspector, type SseInspectorProps } from '../../../../components/SseInspector';
import { type Broadcaster, createBroadcaster } from '../../../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../../../middleware/sseMiddleware';

/** Events each channel keeps: a page whose cursor is older than this many events gets a gap. */
export const HISTORY_SIZE = 3;

/** One monitored element of an inspector test page. */
export interface InspectedElement {
  id: string;
  channel: string;
  /** False: the element opens its own stream. Default true (the browser's shared stream). */
  sharedStream?: boolean;
  /** Render-time cursor put into its URL. */
  lastEventId?: string;
  swapEvents?: string[];
  /** `hx-swap`. Default htmx's `innerHTML`. */
  swap?: string;
}

/** An inspector test page: its elements, the inspector's props, and (with a nonce) a strict CSP. */
export interface InspectorPageSpec {
  dialect: Dialect;
  elements: InspectedElement[];
  inspector: SseInspectorProps;
  nonce?: string;
}

function InspectorPage({ spec }: { spec: InspectorPageSpec }): JSX.Element {
  const { dialect, nonce } = spec;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>inspector test</title>
        <SseHead dialect={dialect} nonce={nonce} />
      </head>
      <body>
        <h1 id="headline">Headline</h1>
        {spec.elements.map((element) => (
          <section>
            <ConnectionMonitor connectionId={element.id} config={{ heartbeatTimeoutMs: 0 }} />
            <SseElement
              connectionId={element.id}
              channel={element.channel}
              dialect={dialect}
              sharedStream={element.sharedStream}
              lastEventId={element.lastEventId}
              swapEvents={element.swapEvents}
              swap={element.swap}
            >
              <p safe>{`waiting for ${element.channel}`}</p>
            </SseElement>
          </section>
        ))}
        <SseInspector {...spec.inspector} nonce={nonce} />
      </body>
    </html>
  );
}

/** An Express app with `sseMiddleware()` that serves inspector test pages, on 127.0.0.1 and a free port. */
export class InspectorTestServer {
  readonly broadcaster: Broadcaster<undefined> = createBroadcaster<undefined>({ history: { size: HISTORY_SIZE } });
  readonly #pages: InspectorPageSpec[] = [];
  readonly #server: Server;

  private constructor() {
    const app = express();
    app.get('/favicon.ico', (_req, res) => void res.status(204).end());
    app.get('/page/:index', async (req, res) => {
      const spec = this.#pages[Number(req.params.index)];
      if (!spec) return void res.status(404).json({ error: 'no such page' });
      if (spec.nonce)
        res.set(
          'Content-Security-Policy',
          `default-src 'self'; script-src 'nonce-${spec.nonce}'; style-src 'nonce-${spec.nonce}'; object-src 'none'; base-uri 'none'`,
        );
      res.type('html').send(`<!doctype html>${await (<InspectorPage spec={spec} />)}`);
    });
    app.use(sseMiddleware({ broadcaster: this.broadcaster }));
    this.#server = createServer(app);
  }

  /** Starts listening. */
  static async start(): Promise<InspectorTestServer> {
    const server = new InspectorTestServer();
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** Registers a page and returns its URL. */
  addPage(spec: InspectorPageSpec): string {
    this.#pages.push(spec);
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/page/${this.#pages.length - 1}`;
  }

  /** Ends every stream and the server. */
  async close(): Promise<void> {
    await this.broadcaster.close({ reconnect: false, reason: 'test over' });
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}
