/**
 * express-htmx-sse: Server-Sent Events for Express apps rendered with Kita JSX and htmx.
 * The core (`lib/`) is framework-free; `sseMiddleware` mounts it on Express.
 *
 * This is the public surface: what the README and the API reference document, and the types their
 * signatures name. Everything else stays inside the package. `api/express-htmx-sse.api.md` is its
 * report, checked by `npm test` (`npm run api` writes it anew; see ARCHITECTURE.md, "Public API").
 * The exports are kept in the import sorter's order, by path, which groups them by capability:
 * - `components/`: Kita JSX for live elements, indicators, the monitor, the inspector, presence, jobs and OOB swaps;
 * - `lib/broadcast/`: the broadcaster, its buses, connections, history, keep-alive and shutdown;
 * - `lib/pipeline/`: dispatching app events, rendering them into OOB fragments, streaming iterables;
 * - `lib/protocol/`: event ids and cursors, the monitor's element ids, opening an event stream;
 * - `middleware/`: the Express routes.
 */

export type { ConnectionCounterMode, ConnectionCounterProps } from './components/ConnectionCounter';
export { ConnectionCounter } from './components/ConnectionCounter';
export type { ConnectionMonitorProps } from './components/ConnectionMonitor';
export { ConnectionMonitor } from './components/ConnectionMonitor';
export type { ConnectionStatusProps, StatusSize } from './components/ConnectionStatus';
export { ConnectionStatus, DEFAULT_STATUS_LABELS } from './components/ConnectionStatus';
export type {
  BoundPresenceProps,
  CursorSource,
  SseComponentOptions,
  SseComponents,
} from './components/createSseComponents';
export { createSseComponents } from './components/createSseComponents';
export { DEFAULT_DIALECT } from './components/dialect';
export { inlineJson } from './components/inlineJson';
export type { JobConnectProps, JobProgressProps, JobStatusProps } from './components/JobElements';
export { JobProgress, JobStatus, jobChannel, jobProgressId, jobStatusId } from './components/JobElements';
export type { MonitorOptions } from './components/monitorOptions';
export type { OobSwapProps, OobTargetProps } from './components/OobSwap';
export { OobSwap, OobTarget } from './components/OobSwap';
export type { PresenceCountProps } from './components/PresenceCount';
export { PresenceCount } from './components/PresenceCount';
export type { PresenceListProps } from './components/PresenceList';
export { PresenceList } from './components/PresenceList';
export type { PresenceSource, PresenceSourceProps } from './components/presenceSource';
export type { ExtraAttributes, SseElementProps } from './components/SseElement';
export { SseElement } from './components/SseElement';
export type { SseHeadProps } from './components/SseHead';
export { SseHead } from './components/SseHead';
export type { SseInspectorProps } from './components/SseInspector';
export { SseInspector } from './components/SseInspector';
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
export type { Bus, BusState } from './lib/broadcast/bus';
export { CONNECTION_ID_PATTERN } from './lib/broadcast/connectionId';
export type { RegistryStats } from './lib/broadcast/connectionRegistry';
export type { DebugOption } from './lib/broadcast/debugLog';
export type { EventHistoryOptions } from './lib/broadcast/eventHistory';
export type { ConnectionView, PublishReceipt, RecentEvent, ReplayResult, StoredEvent } from './lib/broadcast/eventLog';
export type { CloseReason, EventStreamTarget } from './lib/broadcast/eventStreamWriter';
export type { EventView, ViewFailure } from './lib/broadcast/eventViews';
export type { KeepAliveOptions, KeepAliveTarget } from './lib/broadcast/keepAlive';
export { KeepAlive } from './lib/broadcast/keepAlive';
export { MemoryBus } from './lib/broadcast/memoryBus';
export type { PresenceOptions } from './lib/broadcast/presenceBoard';
export type { PresenceSnapshot } from './lib/broadcast/presenceView';
export type { HookedMessage, PublishHook } from './lib/broadcast/publishHooks';
export type { RevalidateOptions } from './lib/broadcast/revalidation';
export type { ShutdownHandle, ShutdownOptions } from './lib/broadcast/shutdownHandler';
export { installShutdownHandler } from './lib/broadcast/shutdownHandler';
export type { ConnectionInfo, StreamConnection } from './lib/broadcast/sseConnection';
export type { MetadataValue, StreamMatch } from './lib/broadcast/streamMatch';
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
export { DispatchError, EventDispatcher, HandlerError } from './lib/pipeline/eventDispatcher';
export type { HtmlFragment, OobFragment, OobOptions, SwapStyle } from './lib/pipeline/oobStreamBuilder';
export { OobStreamBuilder, oobSwapValue, SWAP_STYLES } from './lib/pipeline/oobStreamBuilder';
export type {
  PollRead,
  SseStreamOptions,
  StreamEndReason,
  StreamLogger,
  StreamMessage,
  StreamMessageOption,
  StreamOutcome,
  StreamSource,
} from './lib/pipeline/sseStream';
export { SseStream } from './lib/pipeline/sseStream';
export { formatChannelCursor, parseChannelCursor } from './lib/protocol/channelCursor';
export type { ParsedEventId, StreamEventId } from './lib/protocol/eventId';
export { compareEventIds, parseEventId, splitStreamEventId } from './lib/protocol/eventId';
export type {
  ConnectionState,
  Dialect,
  IndicatorKey,
  MonitorCountDetail,
  StateAlias,
} from './lib/protocol/monitorContract';
export { CONNECTION_STATES, STATE_ALIASES, sseElementId, sseStatusId } from './lib/protocol/monitorContract';
export type { OpenEventStreamOptions } from './lib/protocol/openEventStream';
export { openEventStream } from './lib/protocol/openEventStream';
export type { PresenceEventData, PresenceMember } from './lib/protocol/protocolEvents';
export type { EventData } from './lib/protocol/serializeData';
export { requestConnectionIds } from './middleware/requestConnectionIds';
export type { AuthorizationDenial, AuthorizationResult, SseMiddlewareOptions } from './middleware/sseMiddleware';
export { sseMiddleware } from './middleware/sseMiddleware';
