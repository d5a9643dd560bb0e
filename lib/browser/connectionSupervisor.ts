import {
  type ConnectionState,
  GAP_DOM_EVENT,
  type MonitorConfigData,
  type MonitorGapDetail,
  type MonitorStateDetail,
  STATE_DOM_EVENT,
  STREAM_ID_ATTRIBUTE,
} from '../protocol/monitorContract';
import { CLOSE_EVENT, CONNECTION_EVENT, GAP_EVENT, REVOKED_REASON } from '../protocol/protocolEvents';
import { type Clock, systemClock } from '../time/clock';
import { delayAfterServerClose, reconnectDelay } from './backoff';
import type { ConnectionBinding, ConnectionSignals } from './connectionBinding';
import { showState } from './statusIndicator';
import { isAccessRefusal, lostEnd, type StreamEnd } from './streamEnd';

/** How long a stream may stay open after the server's close event before the page drops it. */
const SERVER_CLOSE_GRACE_MS = 2000;

/** What the monitor reads of the server's close event. */
interface CloseInstructions {
  reconnect: boolean;
  after: number | undefined;
  /** `reason: 'revoked'`: access ended, whatever `reconnect` says. */
  revoked: boolean;
  /** It named a channel: the server keeps the stream open for its other channels. */
  channelOnly: boolean;
}

/** The server's close event data, read defensively. */
function parseCloseData(data: string): CloseInstructions {
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed !== null && typeof parsed === 'object') {
      const { reconnect, after, reason, channel } = parsed as Record<string, unknown>;
      return {
        reconnect: reconnect !== false,
        after: typeof after === 'number' && after >= 0 ? after : undefined,
        revoked: reason === REVOKED_REASON,
        channelOnly: typeof channel === 'string',
      };
    }
  } catch {
    // Not JSON: treat as "come back later" with the normal backoff.
  }
  return { reconnect: true, after: undefined, revoked: false, channelOnly: false };
}

function parseGapData(data: string): { lastEventId: string; latestId: string | null } {
  try {
    const parsed = JSON.parse(data) as { lastEventId?: unknown; latestId?: unknown };
    return {
      lastEventId: typeof parsed.lastEventId === 'string' ? parsed.lastEventId : '',
      latestId: typeof parsed.latestId === 'string' ? parsed.latestId : null,
    };
  } catch {
    return { lastEventId: '', latestId: null };
  }
}

/**
 * The state machine of one monitored connection, the same for both dialects: it owns the
 * reconnect schedule (capped exponential backoff with jitter, attempt limit, reset on open), the
 * heartbeat timer, visibility pauses and the server's close/gap events, and publishes every state
 * to the status indicator, a `sse-monitor:state` DOM event and the configured callback. Access
 * that ended (a close with `reason: 'revoked'`, or a stream refused with 401 or 403) ends it in
 * `unauthorized`, which, like `closed`, nothing but {@link reconnectNow} leaves.
 */
export class ConnectionSupervisor implements ConnectionSignals {
  /** The SSE-connected element. */
  readonly element: Element;
  /** This connection's options. */
  readonly config: MonitorConfigData;
  /** Current state. */
  state: ConnectionState = 'connecting';
  /** Reconnect attempt of the current outage. */
  attempt = 0;
  /** The newest event id seen: where a reconnect resumes. */
  lastEventId = '';
  /** The id the server gave the current stream (its first event), once known. */
  streamId: string | undefined;
  readonly #clock: Clock;
  #binding: ConnectionBinding | undefined;
  #reconnectTimer: unknown;
  #heartbeatTimer: unknown;
  #lingerTimer: unknown;
  #paused = false;

  /**
   * @param element - the SSE-connected element.
   * @param config - validated options.
   * @param clock - where the reconnect, heartbeat and close timers are set (default: the page's timers).
   */
  constructor(element: Element, config: MonitorConfigData, clock: Clock = systemClock) {
    this.element = element;
    this.config = config;
    this.#clock = clock;
  }

  /** Attaches the dialect binding and shows the initial state. */
  start(binding: ConnectionBinding): void {
    this.#binding = binding;
    this.#publish('connecting', 0);
  }

  opened(): void {
    if (this.#isOver()) return;
    this.#clearReconnect();
    this.attempt = 0;
    this.#publish('connected', 0);
    this.#armHeartbeat();
  }

  received(lastEventId: string): void {
    // A fresh stream reports '' until its first id: keep the cursor we resume from.
    if (lastEventId) this.lastEventId = lastEventId;
    if (this.state === 'connected') this.#armHeartbeat();
  }

  protocolEvent(name: string, data: string): void {
    if (name === CONNECTION_EVENT) {
      this.streamId = data;
      this.element.setAttribute(STREAM_ID_ATTRIBUTE, data);
      return;
    }
    if (name === CLOSE_EVENT) {
      if (this.#isOver()) return;
      // The server ends the stream right after this event: let it, rather than abort the request.
      // A stream that lingers is dropped after a grace period (or replaced by the reconnect); one
      // that keeps other channels (the close named this one) is not ended by the server: at once.
      const { reconnect, after, revoked, channelOnly } = parseCloseData(data);
      this.#clearHeartbeat();
      if (revoked || !reconnect) {
        this.#clearReconnect();
        this.#publish(revoked ? 'unauthorized' : 'closed', 0);
        const grace = channelOnly ? 0 : SERVER_CLOSE_GRACE_MS;
        this.#lingerTimer = this.#clock.setTimeout(() => this.#binding?.disconnect(), grace);
        return;
      }
      if (this.#reconnectTimer !== undefined) {
        // The stream's end was seen first: the server's instructions replace that attempt.
        this.#clearReconnect();
        this.attempt -= 1;
      }
      this.#scheduleReconnect(after === undefined ? undefined : delayAfterServerClose(after, this.config.jitter));
      return;
    }
    if (name === GAP_EVENT) {
      const detail: MonitorGapDetail = { connectionId: this.config.connectionId, ...parseGapData(data) };
      this.element.dispatchEvent(new CustomEvent(GAP_DOM_EVENT, { bubbles: true, detail }));
    }
  }

  dropped(end: StreamEnd): void {
    if (this.#isOver()) {
      this.#clearLinger();
      this.#binding?.disconnect();
      return;
    }
    if (this.#paused || this.#reconnectTimer !== undefined) return;
    if (this.state !== 'connected' && this.state !== 'connecting' && this.state !== 'reconnecting') return;
    const refused = isAccessRefusal(end);
    this.#log(`${refused ? 'access refused' : 'connection lost'}: ${end.reason}`);
    this.#clearHeartbeat();
    this.#binding?.disconnect();
    // Asked again, it would be refused again: no attempts, whatever the limit.
    if (refused) this.#publish('unauthorized', 0);
    else this.#scheduleReconnect();
  }

  closedByApp(): void {
    if (this.#isOver()) return;
    this.#clearReconnect();
    this.#clearHeartbeat();
    this.#publish('closed', 0);
  }

  /** Skips any wait and connects now with a fresh attempt count (a "retry" button, a visible page). */
  reconnectNow(): void {
    if (this.state === 'connected') return;
    this.#paused = false;
    this.#clearReconnect();
    this.#clearLinger();
    this.attempt = 0;
    this.#publish('connecting', 0);
    this.#binding?.connect(this.lastEventId);
  }

  /** The page was hidden or shown. */
  visibilityChanged(hidden: boolean): void {
    if (hidden) {
      if (this.config.pauseWhenHidden) this.pause();
      return;
    }
    if (this.#paused || (this.config.reconnectWhenVisible && (this.state === 'reconnecting' || this.state === 'error')))
      this.reconnectNow();
  }

  /** Reconnects what {@link pause} closed (the page came back from the back/forward cache); nothing else. */
  resume(): void {
    if (this.#paused) this.reconnectNow();
  }

  /** Closes the stream until {@link reconnectNow} (hidden page, page put in the back/forward cache). */
  pause(): void {
    if (this.#paused || this.#isOver()) return;
    this.#paused = true;
    this.#clearReconnect();
    this.#clearHeartbeat();
    this.#binding?.disconnect();
    this.#publish('disconnected', 0);
  }

  /** The element left the page: its indicator shows `closed` (or still `unauthorized`), and everything is released. */
  retire(): void {
    this.closedByApp();
    this.destroy();
  }

  /** Releases the connection, timers and listeners (element removed, page unloaded). */
  destroy(): void {
    this.#clearReconnect();
    this.#clearHeartbeat();
    this.#clearLinger();
    this.#binding?.dispose();
    this.#binding = undefined;
  }

  /** Re-applies the current state to the status container (e.g. after it was swapped in again). */
  refreshIndicator(): void {
    const { statusId } = this.config;
    const container = statusId === null ? null : document.getElementById(statusId);
    if (container) showState(container, this.state, this.attempt, this.config.maxReconnectAttempts);
  }

  /** Closed or unauthorized: only {@link reconnectNow} connects again. */
  #isOver(): boolean {
    return this.state === 'closed' || this.state === 'unauthorized';
  }

  #scheduleReconnect(delayOverride?: number): void {
    if (!this.config.autoReconnect) {
      this.#log('not reconnecting (autoReconnect is off)');
      this.#binding?.disconnect();
      this.#publish('disconnected', 0);
      return;
    }
    const limit = this.config.maxReconnectAttempts;
    if (limit !== null && this.attempt >= limit) {
      this.#log(`giving up after ${this.attempt} attempts`);
      this.#publish('error', this.attempt);
      return;
    }
    this.attempt += 1;
    const delayMs = delayOverride ?? reconnectDelay(this.attempt, this.config);
    this.#publish('reconnecting', this.attempt, delayMs);
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#binding?.connect(this.lastEventId);
    }, delayMs);
  }

  #armHeartbeat(): void {
    this.#clearHeartbeat();
    const timeout = this.config.heartbeatTimeoutMs;
    if (timeout > 0)
      this.#heartbeatTimer = this.#clock.setTimeout(
        () => this.dropped(lostEnd(`no heartbeat for ${timeout} ms`)),
        timeout,
      );
  }

  #clearHeartbeat(): void {
    this.#clock.clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  #clearLinger(): void {
    this.#clock.clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
  }

  #clearReconnect(): void {
    this.#clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  #publish(state: ConnectionState, attempt: number, delayMs?: number): void {
    this.state = state;
    this.attempt = attempt;
    this.refreshIndicator();
    const detail: MonitorStateDetail = { connectionId: this.config.connectionId, state, attempt };
    if (delayMs !== undefined) detail.delayMs = delayMs;
    this.#log(
      `${state}${attempt > 0 ? ` (attempt ${attempt})` : ''}${delayMs !== undefined ? ` in ${delayMs} ms` : ''}`,
    );
    this.element.dispatchEvent(new CustomEvent(STATE_DOM_EVENT, { bubbles: true, detail }));
    const callbackName = this.config.callbacks[state];
    const callback = callbackName ? (window as unknown as Record<string, unknown>)[callbackName] : undefined;
    if (typeof callback === 'function') callback(detail);
  }

  #log(message: string): void {
    if (this.config.logToConsole) console.info(`[sse-monitor] ${this.config.connectionId}: ${message}`);
  }
}
