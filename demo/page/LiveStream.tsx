import { ConnectionMonitor, type ConnectionMonitorProps, SseElement } from '../../index';
import type { PageContext } from './pageContext';

/** Monitor timings of the demo's streams. */
export interface LiveStreamTimings {
  /** Silence that counts as a dead stream, in ms (a few keep-alive intervals). */
  heartbeatTimeoutMs: number;
  /** First reconnect delay, in ms. */
  reconnectDelayMs: number;
}

/** Props of {@link LiveStream}. */
export interface LiveStreamProps {
  context: PageContext;
  /** Channel streamed from `/sse/{channel}`. */
  channel: string;
  /** Connection id (element ids derive from it). */
  connectionId: string;
  size?: 'xs' | 'sm' | 'md';
  /** Words for some states, instead of the indicator's defaults. */
  labels?: ConnectionMonitorProps['labels'];
  /** The cursor when the page was rendered: what is published before the stream opens is replayed. */
  lastEventId?: string;
  /** What the stream's element fetches and swaps in after a gap (see `<SseElement resync>`). */
  resync?: string;
}

/**
 * A monitored stream whose unnamed messages are out-of-band fragments (nothing is swapped into
 * the element itself), with its connection-status indicator.
 */
export function LiveStream(props: LiveStreamProps): JSX.Element {
  const { context, channel, connectionId, size = 'sm', labels, lastEventId, resync } = props;
  const { dialect, timings } = context;
  return (
    <span class="live-stream">
      <SseElement
        dialect={dialect}
        channel={channel}
        connectionId={connectionId}
        lastEventId={lastEventId}
        resync={resync}
        swap="none"
        class="live-stream-element"
      />
      <ConnectionMonitor
        connectionId={connectionId}
        size={size}
        labels={labels}
        config={{
          heartbeatTimeoutMs: timings.heartbeatTimeoutMs,
          reconnectDelayMs: timings.reconnectDelayMs,
          maxReconnectAttempts: Number.POSITIVE_INFINITY,
        }}
      />
    </span>
  );
}
