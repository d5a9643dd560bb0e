import { randomUUID } from 'node:crypto';

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
 * The board's rules as functions of its notes, so the in-memory and the Redis store change it the
 * same way. A new note from `text`; throws a `TypeError` for empty or over-long text.
 */
export function newNote(text: string): BoardItem {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed === '' || trimmed.length > BOARD_TEXT_LIMIT) {
    throw new TypeError(`a note needs 1-${BOARD_TEXT_LIMIT} characters, got ${JSON.stringify(text)}`);
  }
  return { id: randomUUID().slice(0, 8), text: trimmed, done: false, createdAt: Date.now() };
}

/** `items` with `item` added, the oldest dropped beyond {@link BOARD_SIZE_LIMIT}. */
export function withNote(items: readonly BoardItem[], item: BoardItem): BoardItem[] {
  return [...items, item].slice(-BOARD_SIZE_LIMIT);
}

/** `items` with note `id` flipped between open and done, or `undefined` when there is no such note. */
export function withToggled(items: readonly BoardItem[], id: string): BoardItem[] | undefined {
  if (!items.some((item) => item.id === id)) return undefined;
  return items.map((item) => (item.id === id ? { ...item, done: !item.done } : item));
}

/** `items` without the done notes. */
export function withoutDone(items: readonly BoardItem[]): BoardItem[] {
  return items.filter((item) => !item.done);
}

/** The board at one moment: its notes and the number of changes that led there. */
export interface BoardSnapshot {
  version: number;
  items: readonly BoardItem[];
}

/**
 * The shared board as the app uses it: {@link BoardStore} (in this process) or
 * {@link RedisBoardStore} (shared by every process on one Redis). Each change emits `change`, with
 * the connection ids of the tab that made it, in the process that made it.
 */
export interface Board {
  /** The notes, oldest first, and the board's version. */
  snapshot(): BoardSnapshot | Promise<BoardSnapshot>;
  /** The board's version: it grows with every change. */
  version(): number | Promise<number>;
  /** Adds a note; a `TypeError` for empty or over-long text. */
  add(text: string, origin?: readonly string[]): BoardItem | Promise<BoardItem>;
  /** Flips a note between open and done; false when there is no such note. */
  toggle(id: string, origin?: readonly string[]): boolean | Promise<boolean>;
  /** Removes the done notes; returns how many. */
  clearDone(origin?: readonly string[]): number | Promise<number>;
  on(event: 'change', listener: (origin: readonly string[]) => void): this;
  off(event: 'change', listener: (origin: readonly string[]) => void): this;
}
