/**
 * The seam between the dialect-neutral monitor and one htmx dialect: a binding turns the
 * dialect's events into {@link ConnectionSignals} and carries out the monitor's decisions.
 */
import { MESSAGE_DOM_EVENT, type MonitorMessageDetail } from '../protocol/inspectorContract';
import { CONNECTION_ID_ATTRIBUTE } from '../protocol/monitorContract';
import type { StreamEnd } from './streamEnd';

/** What a binding reports to its monitor. */
export interface ConnectionSignals {
  /** The newest event id seen on this connection ('' for none): where any new stream resumes. */
  readonly lastEventId: string;
  /** The stream is open. */
  opened(): void;
  /** Something arrived (a message, a heartbeat); `lastEventId` is the stream's cursor, '' if none yet. */
  received(lastEventId: string): void;
  /** One of the library's protocol events (`sse:close`, `sse:gap`) arrived with its data. */
  protocolEvent(name: string, data: string): void;
  /** The connection failed or ended without being asked to. */
  dropped(end: StreamEnd): void;
  /** The app's own close event ended the connection (`sse-close` / `hx-sse:close`). */
  closedByApp(): void;
}

/** What a monitor asks of a binding. */
export interface ConnectionBinding {
  /** Opens a new connection that resumes after `lastEventId` ('' for none). */
  connect(lastEventId: string): void;
  /** Drops the current connection so that the dialect does not retry on its own. */
  disconnect(): void;
  /** Releases the connection and every listener; the binding is not used again. */
  dispose(): void;
}

/**
 * Dispatches `sse-monitor:message` on a connect element: what a binding does for each message its
 * dialect hands it, after the monitor's `received` and before its `protocolEvent`, so that a
 * listener reads the cursor that message moved (the inspector) and sees a close before its state.
 */
export function announceMessage(element: Element, event: string, data: string, id: string): void {
  const connectionId = element.getAttribute(CONNECTION_ID_ATTRIBUTE) ?? '';
  const detail: MonitorMessageDetail = { connectionId, event, data, id };
  element.dispatchEvent(new CustomEvent(MESSAGE_DOM_EVENT, { bubbles: true, detail }));
}
