import { BOARD_TEXT_LIMIT, type BoardItem } from './boardNotes';

/** Id of the element the board's notes are swapped into. */
export const BOARD_ITEMS_ID = 'board-items';

/** The form that adds a note; the server answers a fresh copy of it. */
export function BoardForm(): JSX.Element {
  return (
    <form class="inline-form" hx-post="/board/items" hx-swap="outerHTML">
      <label class="visually-hidden" for="board-text">
        New note
      </label>
      <input
        id="board-text"
        name="text"
        type="text"
        required
        maxlength={String(BOARD_TEXT_LIMIT)}
        placeholder="Write a note every tab will see"
        autocomplete="off"
      />
      <button type="submit" class="button primary">
        Add
      </button>
    </form>
  );
}

function BoardNote({ item }: { item: BoardItem }): JSX.Element {
  return (
    <li class={item.done ? 'note done' : 'note'} data-note={item.id} data-done={String(item.done)}>
      <button
        type="button"
        class="note-toggle"
        hx-post={`/board/items/${item.id}/toggle`}
        hx-swap="none"
        aria-pressed={String(item.done)}
        title={item.done ? 'Mark as open' : 'Mark as done'}
      >
        <span aria-hidden="true">{item.done ? '✓' : ''}</span>
        <span class="visually-hidden">{item.done ? 'Done' : 'Open'}</span>
      </button>
      <span class="note-text" safe>
        {item.text}
      </span>
    </li>
  );
}

/** Props of {@link BoardItems}. */
export interface BoardItemsProps {
  items: readonly BoardItem[];
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/** The notes and their counts: the whole board, so any copy of it is complete on its own. */
export function BoardItems({ items, oob = false }: BoardItemsProps): JSX.Element {
  const done = items.filter((item) => item.done).length;
  return (
    <div id={BOARD_ITEMS_ID} hx-swap-oob={oob ? 'true' : undefined}>
      {items.length === 0 ? (
        <p class="empty">No notes yet. Add one here and watch it appear in every open tab.</p>
      ) : (
        <ul class="notes">
          {items.map((item) => (
            <BoardNote item={item} />
          ))}
        </ul>
      )}
      <div class="card-footer">
        <span class="muted" data-board-count={String(items.length)}>
          {items.length} {items.length === 1 ? 'note' : 'notes'}, {done} done
        </span>
        <button type="button" class="button quiet" hx-post="/board/clear-done" hx-swap="none" disabled={done === 0}>
          Clear done
        </button>
      </div>
    </div>
  );
}
