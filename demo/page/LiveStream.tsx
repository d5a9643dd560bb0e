import { CLOSE_EVENT } from '../../index';
import type { Dialect } from '../dashboardFeed';

/** Props of {@link LiveStream}. */
export interface LiveStreamProps {
  dialect: Dialect;
  /** Channel streamed from `/sse/{channel}`. */
  channel: string;
  /** Connection id (element ids derive from it). */
  connectionId: string;
  /** Whether the server's close event ends the stream for good (a job's stream). */
  closeOnServerClose?: boolean;
  size?: 'xs' | 'sm' | 'md';
}

/** A stream whose unnamed messages are applied as out-of-band fragments. */
export function LiveStream({ dialect, channel, connectionId, closeOnServerClose = false }: LiveStreamProps): JSX.Element {
  const url = `/sse/${channel}`;
  const close = closeOnServerClose ? CLOSE_EVENT : undefined;
  return dialect === 'htmx2' ? (
    <div id={`sse-element-${connectionId}`} class="live-stream" hx-ext="sse" sse-connect={url} sse-swap="message" hx-swap="none" sse-close={close} />
  ) : (
    <div id={`sse-element-${connectionId}`} class="live-stream" hx-sse:connect={url} hx-swap="none" hx-sse:close={close} />
  );
}
