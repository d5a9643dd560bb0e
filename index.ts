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
export type { KeepAliveOptions, KeepAliveTarget } from './lib/keepAlive';
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
export { DispatchError, EventDispatcher, HandlerError } from './lib/eventDispatcher';
export type { EventFilter, EventHandler, EventMiddleware, EventTransformer, HandlerOptions, PipelineEvent } from './lib/eventDispatcher';
export { assertEventType, compileEventPattern, isEventType, MAX_EVENT_PATTERN_LENGTH } from './lib/eventPattern';
export type { EventPattern, PatternMatch } from './lib/eventPattern';
export { ElementUpdater } from './lib/elementUpdater';
export type { DataPreprocessor, FragmentPostprocessor, UpdateHandler, UpdateItem, UpdateResult } from './lib/elementUpdater';
export { assertOobTargetId, assertSwapStyle, isSwapStyle, OOB_TARGET_ID_PATTERN, OobStreamBuilder, oobSwapValue, renderOobFragment, SWAP_STYLES } from './lib/oobStreamBuilder';
export type { HtmlFragment, OobFragment, OobOptions, SwapStyle } from './lib/oobStreamBuilder';
export { connectPipeline } from './lib/eventPipeline';
export type { PipelineOptions } from './lib/eventPipeline';
export { SseStream, STREAM_ERROR_EVENT } from './lib/sseStream';
export type { SseStreamOptions, StreamEndReason, StreamLogger, StreamMessage, StreamOutcome, StreamSource } from './lib/sseStream';
export { sseMiddleware } from './middleware/sseMiddleware';
export type { AuthorizationDenial, AuthorizationResult, SseMiddlewareOptions } from './middleware/sseMiddleware';
export { OobSwap, OobTarget } from './components/OobSwap';
export type { OobSwapProps, OobTargetProps } from './components/OobSwap';
export { JobProgress, JobStatus, jobChannel, jobProgressId, jobStatusId } from './components/JobElements';
export type { JobProgressProps, JobStatusProps } from './components/JobElements';
export { SseElement } from './components/SseElement';
export type { ExtraAttributes, SseElementProps } from './components/SseElement';
export { ConnectionStatus, DEFAULT_STATUS_LABELS } from './components/ConnectionStatus';
export type { ConnectionStatusProps, StatusSize } from './components/ConnectionStatus';
export { ConnectionMonitor } from './components/ConnectionMonitor';
export type { ConnectionMonitorProps } from './components/ConnectionMonitor';
export { resolveMonitorConfig } from './components/monitorOptions';
export type { MonitorOptions } from './components/monitorOptions';
export { SseHead } from './components/SseHead';
export type { SseHeadProps } from './components/SseHead';
export { createSseComponents } from './components/createSseComponents';
export type { SseComponentOptions, SseComponents } from './components/createSseComponents';
export { DEFAULT_DIALECT } from './components/dialect';
export { sseElementId, sseStatusId } from './components/elementIds';
export { inlineJson } from './components/inlineJson';
export { ASSET_FILES, CONNECTION_STATES, GAP_DOM_EVENT, MONITOR_DEFAULTS, STATE_DOM_EVENT } from './lib/client/monitorContract';
export type { ConnectionState, Dialect, MonitorConfigData, MonitorGapDetail, MonitorStateDetail } from './lib/client/monitorContract';
