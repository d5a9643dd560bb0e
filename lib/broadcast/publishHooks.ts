import { describeValue } from '../validation/describeValue';
import type { PublishMessage } from './broadcasterOptions';

/** An event on its way into `publish`, as a hook sees it: the channel and the message. */
export interface HookedMessage extends PublishMessage {
  /** Channel it is published to (a hook may move it to another). */
  channel: string;
}

/**
 * Runs before an event is validated and encoded, on every publish of this process. Return
 * nothing to let it through as it is, a message to publish that instead, or `null` to drop it.
 * May be async. A hook that throws (or rejects) makes `publish` reject with its error, and nothing
 * is published.
 */
export type PublishHook = (
  message: Readonly<HookedMessage>,
) => HookedMessage | null | undefined | Promise<HookedMessage | null | undefined>;

/** The hooks of one broadcaster, run in the order they were added. */
export class PublishHooks {
  readonly #hooks: PublishHook[] = [];

  /** Whether any hook is installed (publish skips the await otherwise). */
  get size(): number {
    return this.#hooks.length;
  }

  /** Adds a hook; returns a function that removes it. */
  add(hook: PublishHook): () => void {
    if (typeof hook !== 'function') throw new TypeError(`publish hook must be a function, got ${describeValue(hook)}`);
    this.#hooks.push(hook);
    return () => {
      const index = this.#hooks.indexOf(hook);
      if (index >= 0) this.#hooks.splice(index, 1);
    };
  }

  /** Runs every hook in turn; resolves with the message to publish, or null when one dropped it. */
  async run(message: HookedMessage): Promise<HookedMessage | null> {
    let current = message;
    for (const hook of [...this.#hooks]) {
      const result = await hook(current);
      if (result === null) return null;
      if (result === undefined) continue;
      if (typeof result !== 'object')
        throw new TypeError(`publish hook must return a message, null or nothing, got ${describeValue(result)}`);
      current = result;
    }
    return current;
  }
}
