/**
 * Child process entry: runs one server under test on 127.0.0.1 and answers the orchestrator's
 * commands (see `benchProtocol.ts`). Usage: `node serverProcess.js <kind> <keepAliveMs> [channels] [historySize]`.
 * Memory figures need `--expose-gc` so they are taken after a full collection.
 */
import type { AddressInfo } from 'node:net';
import { openFileLimitFromEnv, type ServerCommand, type ServerKind, type ServerReply } from './benchProtocol';
import { DASHBOARD_CHANNEL, publishSeconds } from './dashboardFigures';
import { runPublishPlan } from './publishLoop';
import { type BenchServer, type BenchServerFactory, benchChannels } from './servers/benchServer';
import { createBetterSseServer } from './servers/betterSseServer';
import { createOursNodeHttpServer } from './servers/oursNodeHttpServer';
import { createOursRedisServer } from './servers/oursRedisServer';
import { createOursServer } from './servers/oursServer';
import {
  createViewsAudiencesServer,
  createViewsBroadcastServer,
  createViewsPerStreamServer,
} from './servers/oursViewsServer';
import { createRawExpressServer } from './servers/rawExpressServer';
import { createRawServer } from './servers/rawServer';
import { createSseChannelServer } from './servers/sseChannelServer';

const FACTORIES: Record<ServerKind, BenchServerFactory> = {
  raw: createRawServer,
  'raw-express': createRawExpressServer,
  ours: createOursServer,
  'ours-node-http': createOursNodeHttpServer,
  'ours-redis': createOursRedisServer,
  'better-sse': createBetterSseServer,
  'sse-channel': createSseChannelServer,
  'views-broadcast': createViewsBroadcastServer,
  'views-audiences': createViewsAudiencesServer,
  'views-per-stream': createViewsPerStreamServer,
};

/** Pending connections beyond the default 511, so 10,000 clients connecting in bursts are not dropped. */
const LISTEN_BACKLOG = 4096;

function reply(message: ServerReply): void {
  process.send?.(message);
}

let connections = 0;
let connectionWaiter: { count: number; resolve: () => void } | undefined;

function onConnection(): void {
  connections += 1;
  if (connectionWaiter && connections >= connectionWaiter.count) connectionWaiter.resolve();
}

function awaitConnections(count: number, timeoutMs: number): Promise<void> {
  if (connections >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    connectionWaiter = {
      count,
      resolve: () => {
        clearTimeout(timer);
        connectionWaiter = undefined;
        resolve();
      },
    };
  });
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass can leave weakly held objects for the second.
  gc?.();
  gc?.();
}

async function handle(command: ServerCommand, server: BenchServer): Promise<ServerReply> {
  switch (command.type) {
    case 'awaitConnections':
      await awaitConnections(command.count, command.timeoutMs);
      return { type: 'connections', count: connections };
    case 'memory': {
      collectGarbage();
      const usage = process.memoryUsage();
      return { type: 'memory', heapUsed: usage.heapUsed, rss: usage.rss };
    }
    case 'cpu': {
      const usage = process.cpuUsage();
      return { type: 'cpu', userMicros: usage.user, systemMicros: usage.system };
    }
    case 'publish':
      return {
        type: 'published',
        ...(await runPublishPlan(command.plan, (sequence, data) => server.publish(sequence, data, command.channel))),
      };
    case 'publishFigures': {
      const { publishKeyed } = server;
      if (!publishKeyed)
        throw new TypeError('this server has no keyed publish: the dashboard scenarios run on ours only');
      const started = performance.now();
      const published = await publishSeconds(
        (data, key) => publishKeyed(DASHBOARD_CHANNEL, data, key),
        command.keyed,
        command.seconds,
      );
      return { type: 'figuresPublished', ...published, elapsedMs: performance.now() - started };
    }
  }
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  const keepAliveMs = Number(process.argv[3]);
  const factory = FACTORIES[kind];
  if (!factory)
    throw new TypeError(`unknown server kind ${JSON.stringify(kind)}: use one of ${Object.keys(FACTORIES).join(', ')}`);
  if (!Number.isSafeInteger(keepAliveMs) || keepAliveMs < 1)
    throw new TypeError(`keepAliveMs must be a positive integer, got ${process.argv[3]}`);
  const channelCount = Number(process.argv[4] ?? 1);
  if (!Number.isSafeInteger(channelCount) || channelCount < 1)
    throw new TypeError(`channels must be a positive integer, got ${process.argv[4]}`);
  const historySize = process.argv[5] === undefined ? undefined : Number(process.argv[5]);
  if (historySize !== undefined && !(Number.isSafeInteger(historySize) && historySize > 0))
    throw new TypeError(`historySize must be a positive integer, got ${process.argv[5]}`);
  const bench = factory({ keepAliveMs, onConnection, channels: benchChannels(channelCount), historySize });
  const { server, ready } = bench;
  await ready;
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG }, resolve));
  process.on('message', (command: ServerCommand) => {
    handle(command, bench).then(reply, (error: Error) =>
      reply({ type: 'error', message: error.stack ?? String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready', port: (server.address() as AddressInfo).port, openFileLimit: openFileLimitFromEnv() });
}

main().catch((error: Error) => {
  reply({ type: 'error', message: error.stack ?? String(error) });
  process.exit(1);
});
