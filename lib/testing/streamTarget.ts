import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeValue } from '../validation/describeValue';

/** What a test stream is opened on: an absolute URL, an Express app (any request listener) or a server. */
export type StreamTarget = string | URL | RequestListener | Server;

/** A base URL to request, and how to let go of what was started to serve it. */
export interface ResolvedTarget {
  /** Where the path is resolved against. */
  baseUrl: URL;
  /** Closes the server started for the target, if one was. */
  release(): Promise<void>;
}

function urlOf(server: Server): URL {
  const { port } = server.address() as AddressInfo;
  return new URL(`http://127.0.0.1:${port}`);
}

function listenOnLoopback(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Turns a target into a URL. An app, or a server that is not listening, is started on a free
 * loopback port for the stream's lifetime (as supertest does); a listening server or a URL is used as it is.
 */
export async function resolveTarget(target: StreamTarget): Promise<ResolvedTarget> {
  if (typeof target === 'string' || target instanceof URL) {
    const baseUrl = new URL(target);
    if (baseUrl.protocol !== 'http:')
      throw new TypeError(
        `stream target must be an http: URL, an app or a server, got ${describeValue(String(target))}`,
      );
    return { baseUrl, release: async () => {} };
  }
  if (typeof target === 'function') {
    const server = createServer(target);
    await listenOnLoopback(server);
    return { baseUrl: urlOf(server), release: () => closeServer(server) };
  }
  if (target !== null && typeof target === 'object' && typeof target.listen === 'function') {
    if (target.listening) return { baseUrl: urlOf(target), release: async () => {} };
    await listenOnLoopback(target);
    return { baseUrl: urlOf(target), release: () => closeServer(target) };
  }
  throw new TypeError(`stream target must be an http: URL, an app or a server, got ${describeValue(target)}`);
}
