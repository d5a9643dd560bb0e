import { parseChannelCursor } from '../../protocol/channelCursor';
import { parseEventId, splitStreamEventId } from '../../protocol/eventId';
import type { MonitorMessageDetail } from '../../protocol/inspectorContract';
import type { MonitorStateDetail } from '../../protocol/monitorContract';
import { CLOSE_EVENT, CURSOR_EVENT, GAP_EVENT, HEARTBEAT_EVENT } from '../../protocol/protocolEvents';

/** How many entries the inspector keeps and lists. */
export const ENTRY_LIMIT = 50;

/** How much of an event's data an entry keeps to show. */
const PREVIEW_LENGTH = 160;

/** Events of the library's own that are not listed: one per keep-alive, and the stream's cursors. */
const UNLISTED = new Set([HEARTBEAT_EVENT, CURSOR_EVENT]);

/** States worth a line of their own: the connection was lost, given up, paused, closed or no longer allowed. */
const LOGGED_STATES = new Set(['reconnecting', 'error', 'disconnected', 'closed', 'unauthorized']);

/** What an entry records: an event, a gap, the server's close, or a state the connection fell into. */
export type EntryKind = 'event' | 'gap' | 'close' | 'state';

/** One line of the inspector's list. */
export interface LogEntry {
  readonly kind: EntryKind;
  readonly connectionId: string;
  /** The event name, or the state. */
  readonly event: string;
  /** The channel the event belongs to ('' when it has none: an event without an id of its own). */
  readonly channel: string;
  /** The event's own id ('' when it came without one). */
  readonly id: string;
  /** The size of its data in bytes (UTF-8); undefined for a state. */
  readonly bytes: number | undefined;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** The start of its data, or what a gap, close or state means. */
  readonly text: string;
  /** Where it was swapped in (`#id` or `<tag>` of each element), once its dialect reported it. */
  readonly swappedInto: string[];
}

/** A line and what matches a dialect's swap report to it: the id as the stream reported it. */
interface Line {
  entry: LogEntry;
  reportedId: string;
}

/** JSON data of the library's own events, read defensively: undefined unless it is an object. */
function jsonObject(data: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a reported id is only a stream's cursor (a bare position, or a position per channel), never an event's own. */
function isCursor(id: string): boolean {
  return parseEventId(id) !== undefined || parseChannelCursor(id) !== undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function gapText(data: Record<string, unknown> | undefined): string {
  const after = text(data?.lastEventId) || 'no cursor';
  return `history no longer covers ${after}; newest ${text(data?.latestId) ?? 'none'}`;
}

function closeText(data: Record<string, unknown> | undefined): string {
  const reason = text(data?.reason);
  const after = typeof data?.after === 'number' ? ` after ${data.after} ms` : '';
  const next = data?.reconnect === false ? 'no reconnect' : `reconnect${after}`;
  return `server closed${data?.channel === undefined ? ' the stream' : ' the channel'}${reason ? `: ${reason}` : ''}; ${next}`;
}

function stateText({ state, attempt, delayMs }: MonitorStateDetail): string {
  if (state === 'reconnecting') return `attempt ${attempt}${delayMs === undefined ? '' : ` in ${delayMs} ms`}`;
  if (state === 'error') return `gave up after ${attempt} attempts`;
  if (state === 'unauthorized') return 'access ended: no more reconnects';
  return state === 'closed' ? 'closed: no more reconnects' : 'paused';
}

/**
 * The inspector's list, newest first and at most {@link ENTRY_LIMIT} long, made from the monitor's
 * DOM events. An event's channel is the channel part of its id (`<channel>/<position>`; a gap or a
 * channel's close names it in its data). The browser reports the last id a stream saw with every
 * event, so an event whose reported id repeats its predecessor's, or is the cursor the stream
 * opened with, came without one of its own (`sendTo`, `announce`, the library's events): it shows
 * no id and no channel.
 */
export class InspectorLog {
  readonly #lines: Line[] = [];
  /** Per connection, the id its stream reported with the previous message. */
  readonly #reportedIds = new Map<string, string>();
  readonly #encoder = new TextEncoder();

  /** The entries, newest first. */
  get entries(): LogEntry[] {
    return this.#lines.map((line) => line.entry);
  }

  /**
   * Records a message; gives the new entry (undefined for one that is not listed) and the entry
   * it pushed out of the list, if any.
   */
  message(detail: MonitorMessageDetail, at: number): { added?: LogEntry; dropped?: LogEntry } {
    const { connectionId, event, data, id: reportedId } = detail;
    const own = reportedId !== '' && reportedId !== this.#reportedIds.get(connectionId) && !isCursor(reportedId);
    this.#reportedIds.set(connectionId, reportedId);
    if (UNLISTED.has(event)) return {};
    const id = own ? reportedId : '';
    const base = { connectionId, event, id, bytes: this.#encoder.encode(data).byteLength, at, swappedInto: [] };
    let entry: LogEntry;
    if (event === GAP_EVENT || event === CLOSE_EVENT) {
      const parsed = jsonObject(data);
      const channel = text(parsed?.channel) ?? '';
      const kind = event === GAP_EVENT ? 'gap' : 'close';
      entry = { ...base, kind, channel, text: kind === 'gap' ? gapText(parsed) : closeText(parsed) };
    } else {
      const channel = own ? (splitStreamEventId(id).channel ?? '') : '';
      entry = { ...base, kind: 'event', channel, text: data.slice(0, PREVIEW_LENGTH) };
    }
    return this.#add({ entry, reportedId });
  }

  /** Records a state change worth a line (a loss, a give-up, a pause, a close, access ended); see {@link message} for the result. */
  state(detail: MonitorStateDetail, at: number): { added?: LogEntry; dropped?: LogEntry } {
    if (!LOGGED_STATES.has(detail.state)) return {};
    const entry: LogEntry = {
      kind: 'state',
      connectionId: detail.connectionId,
      event: detail.state,
      channel: '',
      id: '',
      bytes: undefined,
      at,
      text: stateText(detail),
      swappedInto: [],
    };
    return this.#add({ entry, reportedId: '' });
  }

  /**
   * Notes where the newest listed message of `connectionId` named `event` with the reported id
   * `reportedId` was swapped in; gives its entry, or undefined when no listed entry matches.
   */
  swapped(connectionId: string, event: string, reportedId: string, into: readonly string[]): LogEntry | undefined {
    const line = this.#lines.find(
      ({ entry, reportedId: id }) =>
        entry.kind !== 'state' && entry.connectionId === connectionId && entry.event === event && id === reportedId,
    );
    if (!line) return undefined;
    for (const label of into) if (!line.entry.swappedInto.includes(label)) line.entry.swappedInto.push(label);
    return line.entry;
  }

  #add(line: Line): { added: LogEntry; dropped?: LogEntry } {
    this.#lines.unshift(line);
    const dropped = this.#lines.length > ENTRY_LIMIT ? this.#lines.pop()?.entry : undefined;
    return { added: line.entry, dropped };
  }
}
