import { EventEmitter } from 'node:events';
import {
  type Board,
  type BoardItem,
  type BoardSnapshot,
  newNote,
  withNote,
  withoutDone,
  withToggled,
} from './boardNotes';

/**
 * The shared board's state in this process. It lives outside the app (like a database would), so
 * a restarted server, or one written to while the server was down, still has it.
 */
export class BoardStore extends EventEmitter<{ change: [origin: readonly string[]] }> implements Board {
  #items: readonly BoardItem[] = [];
  #version = 0;

  /** The notes, oldest first. */
  items(): readonly BoardItem[] {
    return this.#items;
  }

  /** {@inheritDoc Board.snapshot} */
  snapshot(): BoardSnapshot {
    return { version: this.#version, items: this.#items };
  }

  /** {@inheritDoc Board.version} */
  version(): number {
    return this.#version;
  }

  /**
   * Adds a note. Throws a `TypeError` for empty or over-long text. `origin`: the connection ids of
   * the tab that made the change (it updates itself), passed on with the `change` event.
   */
  add(text: string, origin: readonly string[] = []): BoardItem {
    const item = newNote(text);
    this.#change(withNote(this.#items, item), origin);
    return item;
  }

  /** Flips a note between open and done. Returns false when there is no such note. */
  toggle(id: string, origin: readonly string[] = []): boolean {
    const items = withToggled(this.#items, id);
    if (!items) return false;
    this.#change(items, origin);
    return true;
  }

  /** Removes the done notes; returns how many. */
  clearDone(origin: readonly string[] = []): number {
    const items = withoutDone(this.#items);
    const removed = this.#items.length - items.length;
    if (removed > 0) this.#change(items, origin);
    return removed;
  }

  #change(items: readonly BoardItem[], origin: readonly string[]): void {
    this.#items = items;
    this.#version += 1;
    this.emit('change', origin);
  }
}
