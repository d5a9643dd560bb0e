import type { RedisConnection } from './streamReader';

/**
 * Counts the times a bus's Redis connections came back after being lost, for `state().reconnects`,
 * and reports their errors. A connection's first `ready` is not a return; on a cluster each node's
 * connection counts on its own (the cluster client reports a node's return as `node-ready`, a
 * node's error as `node-error`, and only its own as `error`).
 */
export class ReconnectCounter {
  readonly #clustered: boolean;
  readonly #onError: (error: unknown) => void;
  #count = 0;

  /**
   * @param clustered - whether the connections are cluster clients.
   * @param onError - given every connection error.
   */
  constructor(clustered: boolean, onError: (error: unknown) => void) {
    this.#clustered = clustered;
    this.#onError = onError;
  }

  /** Returns counted so far. */
  get count(): number {
    return this.#count;
  }

  /** Counts `client`'s returns from now on and reports its errors. */
  watch(client: RedisConnection): void {
    client.on('error', this.#onError);
    if (this.#clustered) {
      client.on('node-error', this.#onError);
      const seen = new Set<string>();
      client.on('node-ready', (node: { host?: string; port?: number }) => {
        const address = `${node?.host}:${node?.port}`;
        if (seen.has(address)) this.#count += 1;
        seen.add(address);
      });
      return;
    }
    let wasReady = false;
    client.on('ready', () => {
      if (wasReady) this.#count += 1;
      wasReady = true;
    });
  }
}
