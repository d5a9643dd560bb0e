import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';

/**
 * Stands in front of the stream routes to simulate trouble: it can cut every open stream's
 * socket (as a network drop would, with no close event) and refuse new streams for a while
 * (as a server that is down would).
 */
export class StreamGate {
  readonly #sockets = new Set<Socket>();
  #pausedUntil = 0;

  /** Middleware for the stream routes: refuses during a pause, otherwise tracks the socket. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const waitMs = this.#pausedUntil - Date.now();
    if (waitMs > 0) {
      res
        .status(503)
        .set('Retry-After', String(Math.ceil(waitMs / 1000)))
        .json({ error: 'the demo server is paused' });
      return;
    }
    const socket = req.socket;
    this.#sockets.add(socket);
    res.once('close', () => this.#sockets.delete(socket));
    next();
  };

  /** Cuts every open stream's socket; returns how many. */
  dropAll(): number {
    const sockets = [...this.#sockets];
    this.#sockets.clear();
    for (const socket of sockets) socket.destroy();
    return sockets.length;
  }

  /** Cuts every stream and refuses new ones for `ms`. */
  pause(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`pause needs a positive number of ms, got ${ms}`);
    this.#pausedUntil = Date.now() + ms;
    this.dropAll();
  }
}
