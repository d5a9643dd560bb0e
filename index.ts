/**
 * express-htmx-sse: Server-Sent Events for Express apps rendered with Kita JSX and htmx.
 * The core (`lib/`) is framework-free; `sseMiddleware` mounts it on Express.
 */
export type { Bus, BusDelivery, BusHandlers, BusMessage, BusState, ConnectionView, PublishReceipt, ReplayResult, StoredEvent } from './lib/bus';
export { Broadcaster, createBroadcaster } from './lib/broadcaster';
export type {
  BroadcasterCloseOptions,
  BroadcasterEvents,
  BroadcasterOptions,
  BroadcasterStats,
  ConnectOptions,
  PublishedEvent,
  PublishMessage,
  PublishOptions,
} from './lib/broadcaster';
export { assertChannelName, CHANNEL_NAME_PATTERN, isChannelName } from './lib/channelName';
export type { RegistryStats } from './lib/connectionRegistry';
export { compareEventIds, formatEventId, parseEventId } from './lib/eventId';
export type { ParsedEventId } from './lib/eventId';
export { ChannelHistory } from './lib/eventHistory';
export type { EventHistoryOptions } from './lib/eventHistory';
export { openEventStream } from './lib/eventStreamResponse';
export type { OpenEventStreamOptions } from './lib/eventStreamResponse';
export { KeepAlive } from './lib/keepAlive';
export type { KeepAliveOptions } from './lib/keepAlive';
export { MemoryBus } from './lib/memoryBus';
export { CLOSE_EVENT, GAP_EVENT, HEARTBEAT_EVENT } from './lib/protocolEvents';
export type { CloseEventData, GapEventData } from './lib/protocolEvents';
export { serializeData } from './lib/serializeData';
export type { EventData } from './lib/serializeData';
export { installShutdownHandler } from './lib/shutdownHandler';
export type { ShutdownHandle, ShutdownOptions } from './lib/shutdownHandler';
export { SseConnection } from './lib/sseConnection';
export type { CloseReason, ConnectionInfo, EventStreamTarget } from './lib/sseConnection';
export { encodeComment, encodeEvent, encodeEventText, encodeRetry } from './lib/wireFormat';
export type { EncodableEvent } from './lib/wireFormat';
export { sseMiddleware } from './middleware/sseMiddleware';
export type { AuthorizationDenial, AuthorizationResult, SseMiddlewareOptions } from './middleware/sseMiddleware';
