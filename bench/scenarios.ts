import type { PublishPlan, ServerKind } from './benchProtocol';

/** The servers, in the order they alternate within each repeat. */
export const SERVER_KINDS: readonly ServerKind[] = [
  'raw',
  'raw-express',
  'ours',
  'ours-node-http',
  'ours-redis',
  'better-sse',
  'sse-channel',
];

/**
 * Names of the scenarios: the five of issue 3 and `multichannel` (issue 12), in run order, the
 * `compaction` scenario (issue 24, `compaction.ts`), and the opt-in `slowclients` (issue 24,
 * `slowClients.ts`), `scale100k` (issue 17), `views` (issue 25, {@link VIEWS}), `keepalive` (issue 26,
 * `keepAliveRounds.ts`) and `scalemachine` (issue 26, `scaleMachine.ts`).
 */
export type ScenarioName =
  | 'throughput'
  | 'latency'
  | 'memory'
  | 'scale'
  | 'html'
  | 'multichannel'
  | 'compaction'
  | 'slowclients'
  | 'scale100k'
  | 'views'
  | 'keepalive'
  | 'scalemachine';

/** One scenario: how many clients, what is published, what is measured. */
export interface Scenario {
  name: ScenarioName;
  clients: number;
  /** Channels each client's one stream carries (`{prefix}?channels=…`); the plan's events go round them. Default 1. */
  channelsPerClient?: number;
  keepAliveMs: number;
  /** What the server publishes once every client is registered (none: idle connections). */
  plan: PublishPlan | undefined;
  /** Record every publish-to-receipt time (else only the first and last event's). */
  recordLatency: boolean;
  /** Take heap and RSS before connecting and once every client is registered. */
  measureMemory: boolean;
  /** After the plan, keep the streams idle this long and count those kept alive. */
  holdMs: number;
  /** Bound on waiting for every client to receive the whole plan. */
  deliveryTimeoutMs: number;
  /** Which servers run it (the whole run must fit in 10 minutes on 2 cores). */
  servers: readonly ServerKind[];
}

/**
 * Variants run only where they tell something (the run must fit in 10 minutes): Express alone
 * (`raw-express`) and ours without Express where the framework's cost shows (CPU per write in
 * the throughput run, memory per connection), ours with the Redis bus where the bus's round trip
 * shows (throughput, latency).
 */
const PEERS: readonly ServerKind[] = ['raw', 'ours', 'better-sse', 'sse-channel'];
const WITH_NODE_HTTP: readonly ServerKind[] = SERVER_KINDS.filter((kind) => kind !== 'ours-redis');
const WITH_REDIS: readonly ServerKind[] = SERVER_KINDS.filter(
  (kind) => kind !== 'ours-node-http' && kind !== 'raw-express',
);
const ALL = SERVER_KINDS;

const IDLE_KEEP_ALIVE_MS = 15_000;

const THROUGHPUT: Scenario = {
  name: 'throughput',
  clients: 1000,
  keepAliveMs: IDLE_KEEP_ALIVE_MS,
  plan: { count: 2000, batchSize: 10, intervalMs: 0, payload: 'text128' },
  recordLatency: false,
  measureMemory: false,
  holdMs: 0,
  deliveryTimeoutMs: 120_000,
  servers: ALL,
};

/** The five scenarios of issue 3, and issue 12's stream of several channels. */
export const SCENARIOS: readonly Scenario[] = [
  THROUGHPUT,
  {
    name: 'latency',
    clients: 1000,
    keepAliveMs: IDLE_KEEP_ALIVE_MS,
    plan: { count: 1000, batchSize: 1, intervalMs: 10, payload: 'text128' },
    recordLatency: true,
    measureMemory: false,
    holdMs: 0,
    deliveryTimeoutMs: 90_000,
    servers: WITH_REDIS,
  },
  {
    name: 'memory',
    clients: 5000,
    keepAliveMs: IDLE_KEEP_ALIVE_MS,
    plan: undefined,
    recordLatency: false,
    measureMemory: true,
    holdMs: 0,
    deliveryTimeoutMs: 0,
    servers: WITH_NODE_HTTP,
  },
  {
    name: 'scale',
    clients: 10_000,
    keepAliveMs: 1000,
    plan: { count: 5, batchSize: 1, intervalMs: 400, payload: 'text1k' },
    recordLatency: true,
    measureMemory: false,
    holdMs: 2500,
    deliveryTimeoutMs: 30_000,
    servers: PEERS,
  },
  {
    name: 'html',
    clients: 1000,
    keepAliveMs: IDLE_KEEP_ALIVE_MS,
    // 400 x ~2.1 KB stays under the 1 MiB a client may have buffered, so no server evicts.
    plan: { count: 400, batchSize: 10, intervalMs: 0, payload: 'html2k' },
    recordLatency: false,
    measureMemory: false,
    holdMs: 0,
    deliveryTimeoutMs: 120_000,
    servers: PEERS,
  },
  // The throughput run with every client on one stream of 5 channels, the events going round
  // them: every client still receives all 2000, so CPU per delivered event compares directly.
  { ...THROUGHPUT, name: 'multichannel', channelsPerClient: 5, servers: ['ours'] },
];

/** The views scenario's servers: one fragment per event rendered once, per audience (3), per stream. */
export const VIEW_SERVERS: readonly ServerKind[] = ['views-broadcast', 'views-audiences', 'views-per-stream'];

/**
 * The opt-in `views` scenario (issue 25): 1,000 streams of viewers in 3 roles, 400 events each
 * rendered by Kita for the viewer (`servers/oursViewsServer.tsx`); the figure is the server's CPU
 * per delivered event.
 */
export const VIEWS: Scenario = {
  name: 'views',
  clients: 1000,
  keepAliveMs: IDLE_KEEP_ALIVE_MS,
  plan: { count: 400, batchSize: 10, intervalMs: 0, payload: 'text128' },
  recordLatency: false,
  measureMemory: false,
  holdMs: 0,
  deliveryTimeoutMs: 120_000,
  servers: VIEW_SERVERS,
};
