import { EventEmitter } from 'node:events';
import type { DemoRedis } from '../sharedState';
import {
  type Board,
  type BoardItem,
  type BoardSnapshot,
  newNote,
  withNote,
  withoutDone,
  withToggled,
} from './boardNotes';

/** Writes the new board only if the key still holds what the change was computed from. */
const REPLACE_IF_UNCHANGED = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

/** Tries of one change against concurrent writers before it gives up. */
const CHANGE_ATTEMPTS = 20;

const EMPTY: BoardSnapshot = { version: 0, items: [] };

/**
 * The shared board in Redis, for demo processes on one Redis: every process reads and changes the
 * same notes, one JSON document `{ version, items }` under `<prefix>demo:board`. A change is
 * computed from the document it read and written only if no other process wrote meanwhile
 * (compare and set in a Lua script), else computed again.
 */
export class RedisBoardStore extends EventEmitter<{ change: [origin: readonly string[]] }> implements Board {
  readonly #client: DemoRedis;
  readonly #key: string;

  /**
   * @param client - a connected node-redis client.
   * @param keyPrefix - prefix of the demo's keys, e.g. `sse-demo:`.
   */
  constructor(client: DemoRedis, keyPrefix: string) {
    super();
    this.#client = client;
    this.#key = `${keyPrefix}demo:board`;
  }

  /** {@inheritDoc Board.snapshot} */
  async snapshot(): Promise<BoardSnapshot> {
    return RedisBoardStore.#parse(await this.#client.get(this.#key));
  }

  /** {@inheritDoc Board.version} */
  async version(): Promise<number> {
    return (await this.snapshot()).version;
  }

  /** {@inheritDoc Board.add} */
  async add(text: string, origin: readonly string[] = []): Promise<BoardItem> {
    const item = newNote(text);
    await this.#change((items) => withNote(items, item), origin);
    return item;
  }

  /** {@inheritDoc Board.toggle} */
  toggle(id: string, origin: readonly string[] = []): Promise<boolean> {
    return this.#change((items) => withToggled(items, id), origin);
  }

  /** {@inheritDoc Board.clearDone} */
  async clearDone(origin: readonly string[] = []): Promise<number> {
    let removed = 0;
    await this.#change((items) => {
      const kept = withoutDone(items);
      removed = items.length - kept.length;
      return removed > 0 ? kept : undefined;
    }, origin);
    return removed;
  }

  /** Applies `change` (undefined: nothing to change); resolves whether the board changed. */
  async #change(
    change: (items: readonly BoardItem[]) => BoardItem[] | undefined,
    origin: readonly string[],
  ): Promise<boolean> {
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt += 1) {
      const text = await this.#client.get(this.#key);
      const current = RedisBoardStore.#parse(text);
      const items = change(current.items);
      if (!items) return false;
      const next = JSON.stringify({ version: current.version + 1, items });
      const written = await this.#client.eval(REPLACE_IF_UNCHANGED, {
        keys: [this.#key],
        arguments: [text ?? '', next],
      });
      if (written === 1) {
        this.emit('change', origin);
        return true;
      }
    }
    throw new Error(`the board changed under ${CHANGE_ATTEMPTS} tries in a row: try again`);
  }

  static #parse(text: string | null): BoardSnapshot {
    return text === null ? EMPTY : (JSON.parse(text) as BoardSnapshot);
  }
}
