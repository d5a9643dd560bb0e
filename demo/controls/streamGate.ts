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
  #nextPauseAt = 0;

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

  /**
   * Cuts every stream and refuses new ones for `ms`. A pause cannot be extended or repeated
   * until as long again has passed after it ended, so streams are refused at most half the time
   * however often it is asked for. Returns the ms until the next pause is allowed (0 when this
   * one started).
   */
  pause(ms: number): number {
    if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`pause needs a positive number of ms, got ${ms}`);
    const now = Date.now();
    if (now < this.#nextPauseAt) return this.#nextPauseAt - now;
    this.#pausedUntil = now + ms;
    this.#nextPauseAt = now + 2 * ms;
    this.dropAll();
    return 0;
  }
}
