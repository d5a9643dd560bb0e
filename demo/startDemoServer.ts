import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoApp, type DemoApp, type DemoAppOptions } from './createDemoApp';

/** Options of {@link startDemoServer}: the app's, plus where to listen. */
export interface DemoServerOptions extends DemoAppOptions {
  /** Port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
}

/** A listening dashboard. */
export interface DemoServer {
  demo: DemoApp;
  server: Server;
  port: number;
  /** `http://host:port` */
  url: string;
  /**
   * Stops it: every stream gets a close event (reconnect, after `reconnectAfterMs`), then the
   * server closes. Safe to call twice.
   */
  close(options?: { reconnectAfterMs?: number }): Promise<void>;
}

/** Creates the dashboard app and listens. Rejects when the port cannot be bound. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const demo = createDemoApp(options);
  const host = options.host ?? '127.0.0.1';
  const server = createServer(demo.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    demo,
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close({ reconnectAfterMs = 1000 } = {}) {
      closing ??= (async () => {
        demo.stop();
        await demo.broadcaster.close({ reconnect: true, after: reconnectAfterMs, reason: 'server stopping' });
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
