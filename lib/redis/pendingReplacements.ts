/**
 * The replace requests this process has sent that its reader of the request stream has not yet
 * read back, per connection id.
 *
 * Every process reads the one request stream in the order Redis appended to it, so that order is
 * the order of replacements, the same in every process and independent of any machine's clock: a
 * stream opened here with an id is newer than every replace request for that id appended before
 * its own, and older than every one appended after. While this process has not read its own
 * request back, any replace request for that id it reads was appended before it, so it names an
 * older stream and must not end the one here; once read back, every later one is newer.
 */
export class PendingReplacements {
  readonly #byConnection = new Map<string, Set<string>>();

  /** Records the request `requestId` for `connectionId`, before it is sent. */
  add(connectionId: string, requestId: string): void {
    const requests = this.#byConnection.get(connectionId) ?? new Set<string>();
    this.#byConnection.set(connectionId, requests);
    requests.add(requestId);
  }

  /** True while a replace request for `connectionId` from this process has not been read back. */
  has(connectionId: string): boolean {
    return this.#byConnection.has(connectionId);
  }

  /** True while the request `requestId` for `connectionId` has not been read back. */
  holds(connectionId: string, requestId: string): boolean {
    return this.#byConnection.get(connectionId)?.has(requestId) ?? false;
  }

  /** The request was read back (or never reached the stream); safe to call more than once. */
  settle(connectionId: string, requestId: string): void {
    const requests = this.#byConnection.get(connectionId);
    if (!requests?.delete(requestId)) return;
    if (requests.size === 0) this.#byConnection.delete(connectionId);
  }

  /** Forgets every request (the bus is closing). */
  clear(): void {
    this.#byConnection.clear();
  }
}
