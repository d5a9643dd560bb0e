import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Every chunk a server hands to each socket it accepts, as handed (one entry per `socket.write`
 * call, before TCP splits or joins the bytes): what a test counts to see how many writes a
 * delivery took. Attach it before the clients connect.
 */
export class SocketWrites {
  readonly #sockets: Buffer[][] = [];

  /** @param server - the HTTP server whose accepted sockets are recorded. */
  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      const chunks: Buffer[] = [];
      this.#sockets.push(chunks);
      const write = socket.write;
      socket.write = function recordedWrite(this: Socket, ...args: Parameters<Socket['write']>): boolean {
        const [chunk, encoding] = args;
        chunks.push(
          typeof chunk === 'string'
            ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
            : Buffer.from(chunk),
        );
        return write.apply(this, args);
      } as Socket['write'];
    });
  }

  /**
   * The chunks written so far to the socket of the stream whose connection id is `connectionId`
   * (found by its `sse:connection` event). Fails when no socket carried it.
   */
  of(connectionId: string): readonly Buffer[] {
    const identity = `event: sse:connection\ndata: ${connectionId}\n`;
    const chunks = this.#sockets.find((written) => written.some((chunk) => chunk.includes(identity)));
    if (!chunks) throw new Error(`no socket carried the stream of connection ${connectionId}`);
    return chunks;
  }
}
