import { connect, createServer, type Server, type Socket } from 'node:net';

/** One client connection through the proxy, and what it has sent so far (enough to see its name). */
interface ProxiedConnection {
  client: Socket;
  upstream: Socket;
  /** The start of what the client sent, where `CLIENT SETNAME` / `HELLO … SETNAME` names it. */
  sent: string;
  /** Replies held back while the connection is held, in order; undefined while replies pass. */
  held: Buffer[] | undefined;
}

/** What a client sends before it is named is small; more than this is not searched. */
const NAME_WINDOW_CHARS = 4096;

/**
 * A loopback TCP proxy in front of a Redis that can hold back Redis's replies to one named
 * connection, as a network that stalls one socket does: Redis runs the commands, the client does
 * not hear the answers until they are released (in order, as a late network delivers them). When
 * Redis goes away, every client connection through the proxy is cut and what was held is dropped,
 * as it would be in flight; clients that connect again pass freely.
 */
export class RedisProxy {
  readonly #server: Server;
  readonly #connections = new Set<ProxiedConnection>();

  private constructor(redisPort: number) {
    this.#server = createServer((client) => this.#pipe(client, redisPort));
  }

  /** Starts a proxy on a free loopback port in front of the Redis on `redisPort`. */
  static async start(redisPort: number): Promise<RedisProxy> {
    const proxy = new RedisProxy(redisPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `redis://127.0.0.1:PORT` */
  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return `redis://127.0.0.1:${address.port}`;
  }

  /** From now on, the open connections that named themselves `name` receive nothing; returns how many. */
  holdReplies(name: string): number {
    const named = this.#named(name);
    for (const connection of named) connection.held ??= [];
    return named.length;
  }

  /** Hands the connections named `name` what was held back, in order, and lets replies pass again; returns how many. */
  releaseReplies(name: string): number {
    const named = this.#named(name);
    for (const connection of named) {
      const held = connection.held ?? [];
      connection.held = undefined;
      for (const chunk of held) connection.client.write(chunk);
    }
    return named.length;
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    for (const { client, upstream } of this.#connections) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The open connections that named themselves `name` (`CLIENT SETNAME` / `HELLO … SETNAME`). */
  #named(name: string): ProxiedConnection[] {
    const named = `$${Buffer.byteLength(name)}\r\n${name}\r\n`;
    return [...this.#connections].filter((connection) => connection.sent.includes(named));
  }

  #pipe(client: Socket, redisPort: number): void {
    const upstream = connect(redisPort, '127.0.0.1');
    const connection: ProxiedConnection = { client, upstream, sent: '', held: undefined };
    this.#connections.add(connection);
    const cut = (): void => {
      this.#connections.delete(connection);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (connection.sent.length < NAME_WINDOW_CHARS) connection.sent += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (connection.held) connection.held.push(chunk);
      else client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
  }
}
