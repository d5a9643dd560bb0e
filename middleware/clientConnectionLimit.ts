/**
 * Counts open streams per client key (by default the client's IP) so one client cannot take
 * every slot. Keys are dropped when their count returns to zero, so the map stays as small as
 * the set of clients connected right now.
 */
export class ClientConnectionLimit {
  readonly #counts = new Map<string, number>();
  readonly #max: number;

  /** @param max - streams one client may hold at once (checked by `sseMiddleware`). */
  constructor(max: number) {
    this.#max = max;
  }

  /** Takes a slot for `key`; false when the client is at its limit. */
  acquire(key: string): boolean {
    const count = this.#counts.get(key) ?? 0;
    if (count >= this.#max) return false;
    this.#counts.set(key, count + 1);
    return true;
  }

  /** Gives back a slot taken by {@link acquire}. */
  release(key: string): void {
    const count = this.#counts.get(key) ?? 0;
    if (count <= 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
  }
}
