import { createClient } from 'redis';

/** What a Redis server has spent so far, from `INFO`: CPU seconds and network bytes. */
export interface RedisUsage {
  /** When it was read (`performance.now()`). */
  at: number;
  cpuSeconds: number;
  bytesIn: number;
  bytesOut: number;
}

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
  if (!match) throw new Error(`INFO has no ${name}`);
  return Number(match[1]);
}

/**
 * Reads a Redis server's CPU time (`used_cpu_sys` + `used_cpu_user`, the server process's own)
 * and network totals (`total_net_input_bytes`, `total_net_output_bytes`) over one connection of
 * its own. The connection's own `INFO` traffic is measured once and taken out of every reading,
 * so a difference of two readings is what the rest of the world cost Redis meanwhile.
 */
export class RedisStats {
  readonly #client: ReturnType<typeof createClient>;
  /** Bytes one reading adds to the totals (its request and reply). */
  #ownIn = 0;
  #ownOut = 0;
  #readings = 0;

  /** @param url - the Redis to read. */
  constructor(url: string) {
    this.#client = createClient({ url, name: 'bench-stats' });
  }

  /** Connects and measures what one reading costs in bytes. */
  async open(): Promise<void> {
    await this.#client.connect();
    const first = await this.#raw();
    const second = await this.#raw();
    this.#ownIn = second.bytesIn - first.bytesIn;
    this.#ownOut = second.bytesOut - first.bytesOut;
    this.#readings = 0;
  }

  /** The totals now, less what this reader's own readings added. */
  async read(): Promise<RedisUsage> {
    const usage = await this.#raw();
    this.#readings += 1;
    return {
      at: usage.at,
      cpuSeconds: usage.cpuSeconds,
      bytesIn: usage.bytesIn - this.#ownIn * this.#readings,
      bytesOut: usage.bytesOut - this.#ownOut * this.#readings,
    };
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#client.quit();
  }

  async #raw(): Promise<RedisUsage> {
    const info = await this.#client.info();
    return {
      at: performance.now(),
      cpuSeconds: field(info, 'used_cpu_sys') + field(info, 'used_cpu_user'),
      bytesIn: field(info, 'total_net_input_bytes'),
      bytesOut: field(info, 'total_net_output_bytes'),
    };
  }
}
