import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** One note on the shared board. */
export interface BoardItem {
  id: string;
  text: string;
  done: boolean;
  createdAt: number;
}

/** Longest note text accepted. */
export const BOARD_TEXT_LIMIT = 120;
/** Notes kept; adding beyond it drops the oldest. */
export const BOARD_SIZE_LIMIT = 50;

/**
 * The shared board's state. It lives outside the app (like a database would), so a restarted
 * server, or one written to while the server was down, still has it.
 */
export class BoardStore extends EventEmitter<{ change: [origin: readonly string[]] }> {
  #items: BoardItem[] = [];

  /** The notes, oldest first. */
  items(): readonly BoardItem[] {
    return this.#items;
  }

  /**
   * Adds a note. Throws a `TypeError` for empty or over-long text. `origin`: the connection ids of
   * the tab that made the change (it updates itself), passed on with the `change` event.
   */
  add(text: string, origin: readonly string[] = []): BoardItem {
    const trimmed = typeof text === 'string' ? text.trim() : '';
    if (trimmed === '' || trimmed.length > BOARD_TEXT_LIMIT) {
      throw new TypeError(`a note needs 1-${BOARD_TEXT_LIMIT} characters, got ${JSON.stringify(text)}`);
    }
    const item: BoardItem = { id: randomUUID().slice(0, 8), text: trimmed, done: false, createdAt: Date.now() };
    this.#items = [...this.#items, item].slice(-BOARD_SIZE_LIMIT);
    this.emit('change', origin);
    return item;
  }

  /** Flips a note between open and done. Returns false when there is no such note. */
  toggle(id: string, origin: readonly string[] = []): boolean {
    const item = this.#items.find((candidate) => candidate.id === id);
    if (!item) return false;
    item.done = !item.done;
    this.emit('change', origin);
    return true;
  }

  /** Removes the done notes; returns how many. */
  clearDone(origin: readonly string[] = []): number {
    const before = this.#items.length;
    this.#items = this.#items.filter((item) => !item.done);
    const removed = before - this.#items.length;
    if (removed > 0) this.emit('change', origin);
    return removed;
  }
}
