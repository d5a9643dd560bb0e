import { createServer } from 'node:http';
import { resolveMonitorConfig } from '../../../components/monitorOptions';
import {
  ConnectionMonitor,
  connectPipeline,
  createBroadcaster,
  createSseComponents,
  ElementUpdater,
  EventDispatcher,
  installShutdownHandler,
  KeepAlive,
  MemoryBus,
  SseStream,
  sseMiddleware,
} from '../../../index';
import { RedisBus } from '../../../redis';

/** Every public constructor and factory that takes options, fed one bad option each. */
const cases: [string, string, string, () => unknown][] = [
  ['createBroadcaster', 'maxBufferedBytes', '0', () => createBroadcaster({ maxBufferedBytes: 0 })],
  ['MemoryBus history', 'size', '-1', () => new MemoryBus({ size: -1 })],
  ['MemoryBus history', 'maxAgeMs', '"soon"', () => new MemoryBus({ maxAgeMs: 'soon' as never })],
  ['createBroadcaster', 'bus', '{"log":{}}', () => createBroadcaster({ bus: { log: {} } as never })],
  ['createBroadcaster history', 'size', '1.5', () => createBroadcaster({ history: { size: 1.5 } })],
  ['KeepAlive', 'as', '"ping"', () => new KeepAlive({ as: 'ping' as never })],
  ['KeepAlive', 'intervalMs', '-5', () => new KeepAlive({ intervalMs: -5 })],
  ['SseStream', 'idleTimeoutMs', '"1s"', () => new SseStream({ idleTimeoutMs: '1s' as never })],
  ['SseStream', 'transform', '42', () => new SseStream({ transform: 42 as never })],
  ['SseStream', 'event', '"a\\nb"', () => new SseStream({ event: 'a\nb' })],
  ['sseMiddleware', 'prefix', '"sse"', () => sseMiddleware({ broadcaster: createBroadcaster(), prefix: 'sse' })],
  [
    'sseMiddleware',
    'maxConnectionsPerClient',
    '0',
    () => sseMiddleware({ broadcaster: createBroadcaster(), maxConnectionsPerClient: 0 }),
  ],
  ['sseMiddleware', 'broadcaster', '{}', () => sseMiddleware({ broadcaster: {} as never })],
  [
    'sseMiddleware',
    'authorize',
    'true',
    () => sseMiddleware({ broadcaster: createBroadcaster(), authorize: true as never }),
  ],
  [
    'installShutdownHandler',
    'graceMs',
    '-1',
    () => installShutdownHandler(createServer(), createBroadcaster(), { graceMs: -1, signals: [] }),
  ],
  ['RedisBus', 'commandTimeoutMs', '0', () => new RedisBus({ commandTimeoutMs: 0 })],
  ['RedisBus', 'url', '"http://x"', () => new RedisBus({ url: 'http://x' })],
  ['RedisBus history', 'size', '"big"', () => new RedisBus({ history: { size: 'big' as never } })],
  ['ConnectionMonitor', 'jitter', '2', () => resolveMonitorConfig('c1', { jitter: 2 })],
  [
    'ConnectionMonitor',
    'logToConsole',
    '"yes"',
    () => ConnectionMonitor({ connectionId: 'c1', config: { logToConsole: 'yes' as never } }),
  ],
  ['createSseComponents', 'dialect', '"htmx3"', () => createSseComponents({ dialect: 'htmx3' as never })],
  ['createSseComponents', 'prefix', '"/sse/"', () => createSseComponents({ prefix: '/sse/' })],
  [
    'connectPipeline',
    'channel',
    '"job"',
    () =>
      connectPipeline({
        dispatcher: new EventDispatcher(),
        updater: new ElementUpdater(),
        broadcaster: createBroadcaster(),
        pattern: 'job:*',
        channel: 'job' as never,
      }),
  ],
];

describe('every option error goes through one validator', () => {
  it.each(cases)('%s: option %s = %s', (owner, option, shown, create) => {
    let thrown: unknown;
    try {
      create();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    const message = (thrown as TypeError).message;
    expect(message.startsWith(`${owner}: option "${option}" must be `)).toBe(true);
    expect(message.endsWith(`, got ${shown}`)).toBe(true);
  });

  it.each([
    ['createBroadcaster', () => createBroadcaster(7 as never)],
    ['SseStream', () => new SseStream('fast' as never)],
    ['KeepAlive', () => new KeepAlive(null as never)],
  ])('%s refuses options that are not an object', (owner, create) => {
    expect(create).toThrow(
      new TypeError(
        `${owner}: options must be an object, got ${owner === 'KeepAlive' ? 'null' : owner === 'SseStream' ? '"fast"' : '7'}`,
      ),
    );
  });

  it('createBroadcaster takes a bus or history limits for its own bus, not both (the limits would be ignored)', () => {
    const bus = new MemoryBus();
    expect(() => createBroadcaster({ bus, history: { size: 5 } })).toThrow(
      new TypeError(
        'createBroadcaster: option "history" is for the default in-memory bus; give the limits to the bus: new MemoryBus(history) or new RedisBus({ history })',
      ),
    );
    const broadcaster = createBroadcaster({ bus });
    expect(broadcaster.stats().bus.kind).toBe('memory');
    return broadcaster.close();
  });
});
