/**
 * express-htmx-sse/testing: an event-stream client for an app's own Jest or `node:test` suites.
 * It opens a stream on an Express app, a server or a URL, parses events as a browser's
 * `EventSource` does, and resolves with them at a count, a predicate or a timeout. It needs no
 * browser and no `EventSource` package, and never reconnects on its own.
 * Its report is `api/testing.api.md` (see ARCHITECTURE.md, "Public API").
 */
export type { CollectOptions, Refusal, RefusalOptions } from './lib/testing/streamAssertions';
export { collectEvents, expectRefusal } from './lib/testing/streamAssertions';
export type { StreamTarget } from './lib/testing/streamTarget';
export type {
  OpenStreamOptions,
  ReceivedEvent,
  StopCondition,
  TestStream,
  WaitOptions,
  WaitReason,
  WaitResult,
} from './lib/testing/testStream';
export { openTestStream, StreamRefusedError } from './lib/testing/testStream';
