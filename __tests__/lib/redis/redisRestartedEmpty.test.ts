import { RedisBus } from '../../../redis';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisProxy } from '../../support/redisProxy';
import { RedisServer } from '../../support/redisServer';
import { startTestServer } from '../../support/testServer';
import { publishWhenAccepted, settleWithin } from './settleWithin';

describe('RedisBus when Redis restarts empty', () => {
  it('sends an open stream a gap event for an acknowledged publish its live feed never read', async () => {
    const redis = await RedisServer.start();
    const proxy = await RedisProxy.start(redis.port);
    const bus = new RedisBus({ url: proxy.url, keyPrefix: 'restarted:', commandTimeoutMs: 1000, blockMs: 1000 });
    await bus.ready();
    const server = await startTestServer<undefined>({}, { bus });
    const client = new RecordingEventSource(`${server.url}/sse/news`, ['sse:gap']);
    try {
      await settleWithin(client.started(), 5000, 'the stream starts');
      await server.broadcaster.publish('news', { data: 'one' });
      await settleWithin(client.received(1), 5000, 'the first event');

      // Redis stores "two" and acknowledges it, but its reply to the live feed's read is lost with
      // the Redis that made it: under load the reader can be between reads when Redis goes.
      expect(proxy.holdReplies(`${bus.processId}:reader`)).toBe(1);
      await server.broadcaster.publish('news', { data: 'two' });
      await redis.stop();
      await redis.start();
      // Told as soon as the bus is back on the new Redis, not at the channel's next event.
      await settleWithin(client.received(1, 'sse:gap'), 10_000, 'the gap event');
      await publishWhenAccepted(server.broadcaster, 'news', 'three', 'a publish once Redis is back');
      await settleWithin(
        client.until(() => client.data().includes('three')),
        10_000,
        'the event after the restart',
      );

      // "two" can no longer be delivered (the new Redis never had it): the gap came in its place.
      expect(client.events.map(({ type, data }) => (type === 'message' ? data : type))).toEqual([
        'one',
        'sse:gap',
        'three',
      ]);
      const [first, gap] = client.events;
      expect(JSON.parse(gap.data)).toEqual({ channel: 'news', lastEventId: first.lastEventId, latestId: null });
    } finally {
      client.close();
      await server.close();
      await proxy.close();
      await redis.dispose();
    }
    // Longer than its bounds: two Redis starts (10 s each), the waits for events (30 s) and the publish once Redis is back (30 s).
  }, 120_000);

  it('sends a gap also on a channel that had no history when its stream opened (the feed starts at the bus position, in its epoch)', async () => {
    const redis = await RedisServer.start();
    const proxy = await RedisProxy.start(redis.port);
    const bus = new RedisBus({ url: proxy.url, keyPrefix: 'restarted-new:', commandTimeoutMs: 1000, blockMs: 1000 });
    await bus.ready();
    const server = await startTestServer<undefined>({}, { bus });
    // A channel nobody has published to yet: its stream does not exist when the client follows it.
    const client = new RecordingEventSource(`${server.url}/sse/fresh`, ['sse:gap']);
    try {
      await settleWithin(client.started(), 5000, 'the stream starts');
      // Redis stores "lost" and acknowledges it, but the live feed never hears of it before Redis goes.
      expect(proxy.holdReplies(`${bus.processId}:reader`)).toBe(1);
      await server.broadcaster.publish('fresh', { data: 'lost' });
      await redis.stop();
      await redis.start();
      await settleWithin(client.received(1, 'sse:gap'), 10_000, 'the gap event');
      await publishWhenAccepted(server.broadcaster, 'fresh', 'after', 'a publish once Redis is back');
      await settleWithin(
        client.until(() => client.data().includes('after')),
        10_000,
        'the event after the restart',
      );
      expect(client.events.map(({ type, data }) => (type === 'message' ? data : type))).toEqual(['sse:gap', 'after']);
      expect(JSON.parse(client.data('sse:gap')[0]!)).toMatchObject({ channel: 'fresh', latestId: null });
    } finally {
      client.close();
      await server.close();
      await proxy.close();
      await redis.dispose();
    }
  }, 120_000);
});
