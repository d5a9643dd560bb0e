import type { ConnectionSnapshot } from '../monitorRuntime';
import { ENTRY_LIMIT, type LogEntry } from './inspectorLog';

const BLOCK = 'sse-inspector';

/** How each kind of stream reads in the panel. */
const STREAM_LABELS: Record<ConnectionSnapshot['stream'], string> = {
  own: 'own',
  worker: 'shared (worker)',
  'leader tab': 'shared (leader tab)',
};

/** An element with a class and, optionally, its text (always as text: nothing is parsed as HTML). */
function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  content?: string,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  created.className = className;
  if (content !== undefined) created.textContent = content;
  return created;
}

/** A table with a caption and a header row; rows go into the returned body. */
function table(
  caption: string,
  columns: readonly string[],
): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const created = element('table', `${BLOCK}__table`);
  created.append(element('caption', `${BLOCK}__caption`, caption));
  const header = created.createTHead().insertRow();
  for (const column of columns) header.append(element('th', `${BLOCK}__heading`, column));
  const body = created.createTBody();
  return { table: created, body };
}

/** A row whose cells carry `data-column` (the stylesheet's and a test's handle) and their text. */
function row(cells: Readonly<Record<string, string>>, className: string): HTMLTableRowElement {
  const created = element('tr', className);
  for (const [column, content] of Object.entries(cells)) {
    const cell = element('td', `${BLOCK}__cell`, content);
    cell.dataset.column = column;
    created.append(cell);
  }
  return created;
}

function clockTime(at: number): string {
  const time = new Date(at);
  return `${time.toTimeString().slice(0, 8)}.${String(time.getMilliseconds()).padStart(3, '0')}`;
}

function size(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

/**
 * The inspector's panel, inside the `<details>` that `<SseInspector>` renders: a summary line,
 * the connections the monitor watches, and the last {@link ENTRY_LIMIT} events. Every string
 * from the page or a stream goes in as text (`textContent`), never as markup.
 */
export class InspectorPanel {
  readonly #summary: HTMLElement;
  readonly #connections: HTMLTableSectionElement;
  readonly #events: HTMLTableSectionElement;
  readonly #rows = new Map<LogEntry, HTMLTableRowElement>();
  #connectionCount = 0;

  /** @param root - the panel `<SseInspector>` rendered (its summary and content are replaced). */
  constructor(root: Element) {
    this.#summary = element('summary', `${BLOCK}__summary`);
    const connections = table('Connections', [
      'connection',
      'channels',
      'state',
      'stream',
      'stream id',
      'last event id',
    ]);
    const events = table(`Last ${ENTRY_LIMIT} events`, [
      'time',
      'connection',
      'event',
      'channel',
      'id',
      'size',
      'swapped into',
      'data',
    ]);
    const body = element('div', `${BLOCK}__body`);
    body.append(connections.table, events.table);
    root.replaceChildren(this.#summary, body);
    this.#connections = connections.body;
    this.#events = events.body;
    this.#updateSummary();
  }

  /** Shows why there is nothing to inspect (the page loads no monitor). */
  unavailable(reason: string): void {
    this.#summary.textContent = `SSE inspector: ${reason}`;
  }

  /** Replaces the connections table. */
  showConnections(snapshots: readonly ConnectionSnapshot[]): void {
    this.#connections.replaceChildren(
      ...snapshots.map((snapshot) =>
        row(
          {
            connection: snapshot.connectionId,
            channels: snapshot.channels.join(', '),
            state: snapshot.attempt > 0 ? `${snapshot.state} (attempt ${snapshot.attempt})` : snapshot.state,
            stream: STREAM_LABELS[snapshot.stream],
            'stream id': snapshot.streamId ?? '',
            'last event id': snapshot.lastEventId,
          },
          `${BLOCK}__row ${BLOCK}__row--${snapshot.state}`,
        ),
      ),
    );
    this.#connectionCount = snapshots.length;
    this.#updateSummary();
  }

  /** Puts a new entry on top, and takes away the one the list dropped. */
  add(entry: LogEntry, dropped: LogEntry | undefined): void {
    const created = this.#entryRow(entry);
    this.#rows.set(entry, created);
    this.#events.prepend(created);
    if (dropped) {
      this.#rows.get(dropped)?.remove();
      this.#rows.delete(dropped);
    }
    this.#updateSummary();
  }

  /** Shows an entry again (it learnt where it was swapped in). */
  update(entry: LogEntry): void {
    const current = this.#rows.get(entry);
    if (!current) return;
    const replacement = this.#entryRow(entry);
    current.replaceWith(replacement);
    this.#rows.set(entry, replacement);
  }

  #entryRow(entry: LogEntry): HTMLTableRowElement {
    return row(
      {
        time: clockTime(entry.at),
        connection: entry.connectionId,
        event: entry.event,
        channel: entry.channel,
        id: entry.id,
        size: size(entry.bytes),
        'swapped into': entry.swappedInto.join(' '),
        data: entry.text,
      },
      `${BLOCK}__row ${BLOCK}__row--${entry.kind}`,
    );
  }

  #updateSummary(): void {
    const connections = `${this.#connectionCount} connection${this.#connectionCount === 1 ? '' : 's'}`;
    this.#summary.textContent = `SSE inspector · ${connections} · ${this.#rows.size} events`;
  }
}
