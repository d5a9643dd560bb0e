/**
 * express-htmx-sse: Server-Sent Events for Express apps rendered with Kita JSX and htmx.
 * The core (`lib/`) is framework-free; `sseMiddleware` mounts it on Express. The exports below
 * are grouped by capability, in the order of ARCHITECTURE.md.
 */

export type { ConnectionCounterProps } from './components/ConnectionCounter';
export { ConnectionCounter } from './components/ConnectionCounter';
export type { ConnectionMonitorProps } from './components/ConnectionMonitor';
export { ConnectionMonitor } from './components/ConnectionMonitor';
export type { ConnectionStatusProps, StatusSize } from './components/ConnectionStatus';
export { ConnectionStatus, DEFAULT_STATUS_LABELS } from './components/ConnectionStatus';
export type { CursorSource, SseComponentOptions, SseComponents } from './components/createSseComponents';
export { createSseComponents } from './components/createSseComponents';
export { DEFAULT_DIALECT } from './components/dialect';
export { inlineJson } from './components/inlineJson';
export type { JobProgressProps, JobStatusProps } from './components/JobElements';
export { JobProgress, JobStatus, jobChannel, jobProgressId, jobStatusId } from './components/JobElements';
export type { MonitorOptions } from './components/monitorOptions';
export { resolveMonitorConfig } from './components/monitorOptions';
export type { OobSwapProps, OobTargetProps } from './components/OobSwap';
export { OobSwap, OobTarget } from './components/OobSwap';
export type { ExtraAttributes, SseElementProps } from './components/SseElement';
export { SseElement } from './components/SseElement';
export type { SseHeadProps } from './components/SseHead';
// Components: Kita JSX for live elements, indicators, the monitor and OOB swaps.
export { SseHead } from './components/SseHead';
// Broadcast: the broadcaster, its bus, connections, history, ids, keep-alive and shutdown.
export { Broadcaster, createBroadcaster } from './lib/broadcast/broadcaster';
export type {
  BroadcasterCloseOptions,
  BroadcasterOptions,
  ConnectOptions,
  DirectMessage,
  PublishMessage,
  PublishOptions,
} from './lib/broadcast/broadcasterOptions';
export type {
  BroadcasterEvents,
  BroadcasterStats,
  PublishedEvent,
  PublishResult,
  ReplayOutcome,
} from './lib/broadcast/broadcasterReports';
export type { Bus, BusState, Inbound } from './lib/broadcast/bus';
export { BusPosition } from './lib/broadcast/busPosition';
export { assertChannelName, isChannelName } from './lib/broadcast/channelName';
export { assertConnectionId, CONNECTION_ID_PATTERN, isConnectionId } from './lib/broadcast/connectionId';
export type { RegistryStats } from './lib/broadcast/connectionRegistry';
export type { EventHistoryOptions } from './lib/broadcast/eventHistory';
export { ChannelHistory } from './lib/broadcast/eventHistory';
export type {
  BusDelivery,
  BusMessage,
  ConnectionView,
  EventLog,
  PublishReceipt,
  RecentEvent,
  ReplayResult,
  StoredEvent,
} from './lib/broadcast/eventLog';
export type { CloseReason, EventStreamTarget, HeldFrame } from './lib/broadcast/eventStreamWriter';
export type { FrameBatch } from './lib/broadcast/frameBatch';
export type { KeepAliveOptions, KeepAliveTarget } from './lib/broadcast/keepAlive';
export { KeepAlive } from './lib/broadcast/keepAlive';
export { MemoryBus } from './lib/broadcast/memoryBus';
export type {
  DisconnectKind,
  ProcessAnswers,
  ProcessMessage,
  ProcessMessages,
} from './lib/broadcast/processMessages';
export type { HookedMessage, PublishHook } from './lib/broadcast/publishHooks';
export type { ShutdownHandle, ShutdownOptions } from './lib/broadcast/shutdownHandler';
export { installShutdownHandler } from './lib/broadcast/shutdownHandler';
export type { ConnectionInfo, SseConnectionOptions } from './lib/broadcast/sseConnection';
export { SseConnection } from './lib/broadcast/sseConnection';
export type { PipelineOptions } from './lib/pipeline/connectPipeline';
export { connectPipeline } from './lib/pipeline/connectPipeline';
export type {
  DataPreprocessor,
  FragmentPostprocessor,
  UpdateHandler,
  UpdateItem,
  UpdateResult,
} from './lib/pipeline/elementUpdater';
export { ElementUpdater } from './lib/pipeline/elementUpdater';
export type {
  DispatchedEvent,
  EventFilter,
  EventHandler,
  EventMiddleware,
  EventTransformer,
  HandlerOptions,
} from './lib/pipeline/eventDispatcher';
// Pipeline: dispatching app events, rendering them into OOB fragments, streaming iterables.
export { DispatchError, EventDispatcher, HandlerError } from './lib/pipeline/eventDispatcher';
export type { EventPattern, PatternMatch } from './lib/pipeline/eventPattern';
export {
  assertEventType,
  compileEventPattern,
  isEventType,
  MAX_EVENT_PATTERN_LENGTH,
} from './lib/pipeline/eventPattern';
export type { HtmlFragment, OobFragment, OobOptions, SwapStyle } from './lib/pipeline/oobStreamBuilder';
export {
  assertOobTargetId,
  assertSwapStyle,
  isSwapStyle,
  OOB_TARGET_ID_PATTERN,
  OobStreamBuilder,
  oobSwapValue,
  renderOobFragment,
  SWAP_STYLES,
} from './lib/pipeline/oobStreamBuilder';
export type {
  SseStreamOptions,
  StreamEndReason,
  StreamLogger,
  StreamMessage,
  StreamOutcome,
  StreamSource,
} from './lib/pipeline/sseStream';
export { SseStream, STREAM_ERROR_EVENT } from './lib/pipeline/sseStream';
export { formatChannelCursor, parseChannelCursor } from './lib/protocol/channelCursor';
export { CHANNEL_NAME_PATTERN } from './lib/protocol/channelNamePattern';
export { CONNECTION_ID_HEADER } from './lib/protocol/connectionHeader';
export type { ParsedEventId, StreamEventId } from './lib/protocol/eventId';
export {
  compareEventIds,
  cursorPosition,
  formatEventId,
  formatStreamEventId,
  parseEventId,
  splitStreamEventId,
} from './lib/protocol/eventId';
export type {
  ConnectionState,
  Dialect,
  MonitorConfigData,
  MonitorGapDetail,
  MonitorStateDetail,
} from './lib/protocol/monitorContract';
export {
  ASSET_FILES,
  CONNECTION_STATES,
  GAP_DOM_EVENT,
  MONITOR_CONFIG_ATTRIBUTE,
  MONITOR_DEFAULTS,
  STATE_DOM_EVENT,
  sseElementId,
  sseStatusId,
} from './lib/protocol/monitorContract';
export type { OpenEventStreamOptions } from './lib/protocol/openEventStream';
export { openEventStream } from './lib/protocol/openEventStream';
export type { CloseEventData, GapEventData } from './lib/protocol/protocolEvents';
export {
  CLOSE_EVENT,
  CONNECTION_EVENT,
  CURSOR_EVENT,
  GAP_EVENT,
  HEARTBEAT_EVENT,
  NOTICE_EVENT,
} from './lib/protocol/protocolEvents';
export type { EventData } from './lib/protocol/serializeData';
export { serializeData } from './lib/protocol/serializeData';
export type { EncodableEvent } from './lib/protocol/wireFormat';
// Protocol: the wire format, data serialization, reserved event names and the monitor contract.
export { encodeComment, encodeCursor, encodeEvent, encodeEventText, encodeRetry } from './lib/protocol/wireFormat';
export { requestConnectionIds } from './middleware/requestConnectionIds';
export type { AuthorizationDenial, AuthorizationResult, SseMiddlewareOptions } from './middleware/sseMiddleware';
// Middleware: the Express routes.
export { sseMiddleware } from './middleware/sseMiddleware';
