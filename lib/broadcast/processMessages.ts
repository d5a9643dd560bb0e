/**
 * Messages between processes: the other half of the seam (see `eventLog.ts`). They carry no
 * position and are kept nowhere: a frame for one connection, a close, a look-up, a notice to every
 * stream. The process that holds the connection answers through `Inbound.message`.
 */
import type { BroadcasterCloseOptions } from './broadcasterOptions';
import type { ConnectionInfo } from './sseConnection';
import type { StreamMatch } from './streamMatch';

/**
 * Why other processes are asked to end a connection:
 * - `'close'`: the app ends the connection it names (`broadcaster.disconnect`), whichever stream
 *   holds the id;
 * - `'replace'`: this process has just opened a stream with that id (an app-chosen id), so only
 *   streams opened before it end. A process that reads the request late never ends a stream
 *   opened there after the asking one (the client's newer stream).
 */
export type DisconnectKind = 'close' | 'replace';

/** What `disconnectWhere` asks of every process: end the streams `match` selects, with a close event of `close`. */
export interface CloseWhere {
  /** Which streams (checked, never empty). */
  match: StreamMatch;
  /** The close event's data (`reason`, `reconnect`, `after`). */
  close: BroadcasterCloseOptions;
}

/**
 * Reaching connections held by other processes. Each call looks only in the other processes (the
 * broadcaster has already looked in its own), resolves within the backend's time bound, and
 * rejects when the backend cannot be reached. A backend of one process answers "not found" at once.
 */
export interface ProcessMessages {
  /** Writes `frame` to the connection `connectionId` wherever it is held; true if it was written. */
  sendTo(connectionId: string, frame: Buffer): Promise<boolean>;
  /**
   * Ends the connection `connectionId` with `frame` (a close event) in the process that holds it;
   * true if one was found and ended. With `kind` `'replace'` only a stream opened before the asking
   * one ends: each backend defines that order the same way in every process. Default `'close'`.
   */
  disconnect(connectionId: string, frame: Buffer, kind?: DisconnectKind): Promise<boolean>;
  /** A snapshot of the connection `connectionId` held by another process, or undefined. */
  lookup(connectionId: string): Promise<ConnectionInfo | undefined>;
  /** Writes a notice to every connection of every other process; resolves once it is sent. */
  announce(frame: Buffer): Promise<void>;
  /**
   * Ends, in every other process, the streams `request.match` selects; resolves with how many
   * ended (or left the channel named), once every live process has answered or the time bound passed.
   */
  disconnectWhere(request: CloseWhere): Promise<number>;
}

/** A message that reached this process, for the broadcaster to act on (`Inbound.message`). */
export type ProcessMessage =
  /** Write a frame to one connection of this process. */
  | { kind: 'write'; connectionId: string; frame: Buffer }
  /** End one connection of this process after writing a close frame. */
  | { kind: 'close'; connectionId: string; frame: Buffer }
  /** Describe one connection of this process. */
  | { kind: 'describe'; connectionId: string }
  /** Write a notice to every connection of this process. */
  | { kind: 'notice'; frame: Buffer }
  /** Count this process's connections (a backend reports them for cluster-wide stats). */
  | { kind: 'count' }
  /** End the streams of this process that a `disconnectWhere` selects. */
  | { kind: 'closeWhere'; request: CloseWhere }
  /** Another process changed who is on `channel` (read it again). */
  | { kind: 'presence'; channel: string };

/** What the broadcaster answers to each kind of {@link ProcessMessage}. */
export interface ProcessAnswers {
  /** True when the connection is here and the frame was written. */
  write: boolean;
  /** True when the connection was here (it is now closed). */
  close: boolean;
  /** Its snapshot, or undefined when it is not here. */
  describe: ConnectionInfo | undefined;
  /** How many connections the notice was written to. */
  notice: number;
  /** This process's connections, in all and per channel. */
  count: { connections: number; byChannel: Record<string, number> };
  /** How many streams ended or left the channel named. */
  closeWhere: number;
  /** Nothing: the change is read at the next interval. */
  presence: undefined;
}
