/**
 * The messages the orchestrator exchanges with its two child processes (a server and the load
 * generator) over Node's IPC channel. One request is outstanding per child at a time.
 */

import type { DashboardRequest, ReadingResult, StalledResult } from './dashboardClients';
import type { ExpectOptions } from './loadGenerator';
import type { ResumeRequest, ResumeResult } from './resumingClient';

/** The servers compared. */
export type ServerKind =
  | 'raw'
  | 'raw-express'
  | 'ours'
  | 'ours-node-http'
  | 'ours-redis'
  | 'better-sse'
  | 'sse-channel'
  /** The views scenario's three renderings (`servers/oursViewsServer.tsx`). */
  | 'views-broadcast'
  | 'views-audiences'
  | 'views-per-stream';

/** The channels a bench server serves: the measured streams, and the few that probe latency (scale100k). */
export type BenchChannel = 'bench' | 'probe';

/** What each published event carries (see `payloads.ts`). */
export type PayloadKind = 'text128' | 'text1k' | 'html2k';

/** How a server publishes: batches of events, with a pause or a yield between batches. */
export interface PublishPlan {
  count: number;
  batchSize: number;
  /** Batches start this many ms apart; 0 means "as fast as the server accepts" (yield only). */
  intervalMs: number;
  payload: PayloadKind;
  /**
   * Stamp each event with the time it was due rather than the time it was published, so its
   * latency includes any wait for a busy event loop, as for an event an app receives meanwhile.
   */
  stampDueTime?: boolean;
}

/** Orchestrator → server. */
export type ServerCommand =
  | { type: 'awaitConnections'; count: number; timeoutMs: number }
  | { type: 'memory' }
  | { type: 'cpu' }
  | { type: 'publish'; plan: PublishPlan; channel?: BenchChannel }
  /**
   * The dashboard's page state, then `seconds` of figures (default: the minute a client of the
   * compaction scenario misses; see `dashboardFigures.tsx`).
   */
  | { type: 'publishFigures'; keyed: boolean; seconds?: number };

/** Server process CPU time so far, from its own `process.cpuUsage()`. */
export interface CpuReply {
  type: 'cpu';
  userMicros: number;
  systemMicros: number;
}

/** Server → orchestrator. */
export type ServerReply =
  | { type: 'ready'; port: number; openFileLimit: number | undefined }
  | { type: 'connections'; count: number }
  | { type: 'memory'; heapUsed: number; rss: number }
  | CpuReply
  | { type: 'published'; count: number; elapsedMs: number }
  | { type: 'figuresPublished'; cursor: string; missed: number; elapsedMs: number }
  | { type: 'error'; message: string };

/**
 * Orchestrator → load generator. Streams are kept in groups (default `bench`), so scale100k can
 * probe latency on a few streams of another channel while the others sit idle.
 */
export type LoadCommand =
  | {
      type: 'connect';
      port: number;
      path: string;
      count: number;
      concurrency: number;
      timeoutMs: number;
      /** Loopback source addresses to spread the connections over (ephemeral ports are per address). */
      sourceAddresses?: string[];
      group?: BenchChannel;
    }
  | ({ type: 'expect'; group?: BenchChannel } & ExpectOptions)
  /**
   * Waits `durationMs` and counts the streams kept alive meanwhile; with `silenceLimitMs`, also
   * each stream's longest wait for a keep-alive (from the start, between two, to the end).
   */
  | { type: 'hold'; durationMs: number; group?: BenchChannel; silenceLimitMs?: number }
  /** One client of the compaction scenario resuming its dashboard (`resumingClient.ts`). */
  | ({ type: 'resume' } & ResumeRequest)
  /** The slow-client scenario's pages (`dashboardClients.ts`): open, wait for the reading ones, resume the stalled ones. */
  | ({ type: 'openDashboards'; timeoutMs: number } & DashboardRequest)
  | { type: 'awaitReading'; timeoutMs: number }
  | { type: 'resumeStalled'; timeoutMs: number }
  | { type: 'cpu' };

/** What the load generator saw for one published plan, over all its connections. */
export interface DeliveryResult {
  connections: number;
  /** Connections that received the last event. */
  complete: number;
  /** Numbered events received, all connections together. */
  delivered: number;
  missing: number;
  duplicates: number;
  badData: number;
  /** Connections that closed before the end. */
  closed: number;
  timedOut: boolean;
  /** From the first event's publish time (server clock) to the last connection's last event. */
  elapsedMs: number;
  /** Publish-to-receipt percentiles over every received event, when recorded. */
  latency: { p50: number; p99: number; max: number } | undefined;
  /** Per event, the time until its last recipient had it (fan-out time), when recorded. */
  fanOutMs: number[];
  missingExamples: number[];
  duplicateExamples: number[];
}

/** What the load generator saw while it held its streams. */
export interface HoldResult {
  open: number;
  /** Open streams that received at least one keep-alive. */
  withKeepAlive: number;
  /** The longest any open stream waited for a keep-alive, in ms (with `silenceLimitMs` only). */
  longestSilenceMs?: number;
  /** Open streams that once waited longer than `silenceLimitMs` for one (with it only). */
  overSilenceLimit?: number;
}

/** Load generator → orchestrator. */
export type LoadReply =
  | { type: 'ready'; openFileLimit: number | undefined }
  | { type: 'connected'; open: number; failed: number; firstError: string | undefined }
  | { type: 'expecting' }
  /** `group`: whose plan it is, when two groups check plans at once (keepAliveRounds.ts). */
  | ({ type: 'received'; group: BenchChannel } & DeliveryResult)
  | ({ type: 'held' } & HoldResult)
  | ({ type: 'resumed' } & ResumeResult)
  | { type: 'dashboardsOpen'; open: number }
  | ({ type: 'readingDone' } & ReadingResult)
  | ({ type: 'stalledResumed' } & StalledResult)
  | CpuReply
  | { type: 'error'; message: string };

/** Reads the open-files limit the launcher reported (see `benchChild.ts`). */
export function openFileLimitFromEnv(): number | undefined {
  const limit = Number(process.env.BENCH_OPEN_FILE_LIMIT);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}
