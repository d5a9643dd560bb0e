import { type DebugLogger, debugLog } from './debugLog';
import type { CloseReason } from './eventStreamWriter';
import type { SseConnection } from './sseConnection';

/** Counts over the registry's lifetime plus what is open now. */
export interface RegistryStats {
  /** Connections open now. */
  connections: number;
  /** Open connections per channel (channels with none are omitted; a stream counts on each of its channels). */
  byChannel: Record<string, number>;
  /** Connections ever opened. */
  opened: number;
  /** Connections closed, by reason. */
  closed: Record<CloseReason, number>;
  /** Frames written, to open and closed connections alike. */
  eventsSent: number;
  /** Bytes written, to open and closed connections alike. */
  bytesSent: number;
  /** Frames dropped (evicted or closed connections). */
  droppedEvents: number;
  /** Connections evicted because they would not read (same as `closed.evicted`). */
  evictions: number;
}

/**
 * Every open connection, indexed by id and by channel. A connection is added once and removed
 * once; counters of removed connections are folded into the lifetime totals.
 */
export class ConnectionRegistry<M = unknown> {
  readonly #byId = new Map<string, SseConnection<M>>();
  readonly #byChannel = new Map<string, Set<SseConnection<M>>>();
  #opened = 0;
  readonly #closed: Record<CloseReason, number> = { client: 0, evicted: 0, server: 0 };
  #retired = { eventsSent: 0, bytesSent: 0, droppedEvents: 0 };
  readonly #debug: DebugLogger;

  /** @param debug - where the opened and closed lines go. Default the process-wide log. */
  constructor(debug: DebugLogger = debugLog) {
    this.#debug = debug;
  }

  /** Adds a connection; returns the channels on which it is the first. */
  add(connection: SseConnection<M>): string[] {
    if (this.#byId.has(connection.id)) throw new Error(`connection ${connection.id} is already registered`);
    this.#byId.set(connection.id, connection);
    this.#opened += 1;
    const firsts: string[] = [];
    for (const channel of connection.channels) {
      let members = this.#byChannel.get(channel);
      if (!members) {
        members = new Set();
        this.#byChannel.set(channel, members);
        firsts.push(channel);
      }
      members.add(connection);
    }
    if (this.#debug.enabled)
      this.#debug('registry: %s opened on %s (%d open)', connection.id, connection.channels.join(','), this.#byId.size);
    return firsts;
  }

  /** Removes a connection; returns the channels it leaves without connections. */
  remove(connection: SseConnection<M>, reason: CloseReason): string[] {
    if (this.#byId.get(connection.id) !== connection) return [];
    this.#byId.delete(connection.id);
    this.#closed[reason] += 1;
    this.#retired.eventsSent += connection.eventsSent;
    this.#retired.bytesSent += connection.bytesSent;
    this.#retired.droppedEvents += connection.droppedEvents;
    if (this.#debug.enabled)
      this.#debug('registry: %s closed (%s) after %d events', connection.id, reason, connection.eventsSent);
    const emptied: string[] = [];
    for (const channel of connection.channels) {
      const members = this.#byChannel.get(channel)!;
      members.delete(connection);
      if (members.size > 0) continue;
      this.#byChannel.delete(channel);
      emptied.push(channel);
    }
    return emptied;
  }

  /** Takes an open connection off one of its channels; returns true when the channel has no connections left. */
  leave(connection: SseConnection<M>, channel: string): boolean {
    const members = this.#byChannel.get(channel);
    if (!members?.delete(connection)) return false;
    if (members.size > 0) return false;
    this.#byChannel.delete(channel);
    return true;
  }

  /** The open connection with this id. */
  get(id: string): SseConnection<M> | undefined {
    return this.#byId.get(id);
  }

  /** The open connections of one channel (live view; do not mutate). */
  inChannel(channel: string): ReadonlySet<SseConnection<M>> | undefined {
    return this.#byChannel.get(channel);
  }

  /** Every open connection. */
  all(): IterableIterator<SseConnection<M>> {
    return this.#byId.values();
  }

  /** Lifetime and current counts. */
  stats(): RegistryStats {
    const byChannel: Record<string, number> = {};
    for (const [channel, members] of this.#byChannel) byChannel[channel] = members.size;
    let { eventsSent, bytesSent, droppedEvents } = this.#retired;
    for (const connection of this.#byId.values()) {
      eventsSent += connection.eventsSent;
      bytesSent += connection.bytesSent;
      droppedEvents += connection.droppedEvents;
    }
    return {
      connections: this.#byId.size,
      byChannel,
      opened: this.#opened,
      closed: { ...this.#closed },
      eventsSent,
      bytesSent,
      droppedEvents,
      evictions: this.#closed.evicted,
    };
  }
}
