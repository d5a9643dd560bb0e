import express from 'express';
import { Registry } from 'prom-client';
import { createBroadcaster, sseMiddleware } from '../../../index';
import { registerSseMetrics } from '../../../metrics';
import { openTestStream, type TestStream } from '../../../testing';

describe('express-htmx-sse/metrics on a real prom-client registry', () => {
  const broadcaster = createBroadcaster();
  const app = express();
  app.use(sseMiddleware({ broadcaster }));
  const registry = new Registry();
  const metrics = registerSseMetrics(broadcaster, { registry });
  const streams: TestStream[] = [];
  afterAll(async () => {
    for (const stream of streams) await stream.close();
    metrics.unregister();
    await broadcaster.close({ reconnect: false });
  });

  /** The value of one metric (and label set) as the registry reports it at scrape time. */
  async function value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const metric = registry.getSingleMetric(`sse_${name}`);
    if (!metric) throw new Error(`no metric sse_${name}`);
    const { values } = await metric.get();
    return values.find((entry) => Object.entries(labels).every(([key, label]) => entry.labels[key] === label))?.value;
  }

  async function open(channel: string, lastEventId?: string): Promise<TestStream> {
    const stream = await openTestStream(app, { path: `/sse/${channel}`, lastEventId });
    streams.push(stream);
    return stream;
  }

  function nextDisconnect(): Promise<string> {
    return new Promise((resolve) => broadcaster.once('disconnect', (_connection, reason) => resolve(reason)));
  }

  it('follows streams as they open, receive, replay and close', async () => {
    expect(await value('streams_open')).toBe(0);
    expect(await value('bus_connected', { kind: 'memory' })).toBe(1);

    const first = await open('news');
    const second = await open('news');
    expect(await value('streams_open')).toBe(2);
    expect(await value('streams_opened_total')).toBe(2);

    const receipt = await broadcaster.publish('news', { data: '<p>hello</p>' });
    await Promise.all([first.waitFor(1), second.waitFor(1)]);
    expect(await value('events_published_total')).toBe(1);
    // Each stream opens with two frames of its own (sse:cursor, sse:connection), then gets the event.
    expect(await value('events_delivered_total')).toBe(6);
    expect(await value('bytes_sent_total')).toBeGreaterThan(2 * '<p>hello</p>'.length);

    await broadcaster.publish('news', { data: 'missed' });
    await broadcaster.publish('figures', { key: 'cpu', data: '10%' });
    await broadcaster.publish('figures', { key: 'cpu', data: '20%' });
    expect(await value('events_superseded_total')).toBe(1);
    const back = await open('news', receipt.id);
    await back.waitFor(1);
    const lost = await open('news', 'not-a-cursor');
    await lost.waitFor(1);
    expect(await value('replays_total')).toBe(2);
    expect(await value('replay_gaps_total')).toBe(1);
    expect(await value('replayed_events_total')).toBe(1);

    const left = nextDisconnect();
    await first.close();
    expect(await left).toBe('client');
    expect(await value('streams_closed_total', { reason: 'client' })).toBe(1);
    expect(broadcaster.closeChannel('news')).toBe(3);
    expect(await value('streams_closed_total', { reason: 'server' })).toBe(3);
    expect(await value('streams_open')).toBe(0);
    expect(await value('evictions_total')).toBe(0);

    const text = await registry.metrics();
    expect(text).toContain('# TYPE sse_streams_closed_total counter');
    expect(text).toContain('sse_streams_opened_total 4');
    expect(text).not.toContain('channel=');
  });

  it('labels open streams by channel only when asked, under its own prefix', async () => {
    const own = new Registry();
    const perChannel = registerSseMetrics(broadcaster, { registry: own, prefix: 'app_sse_', channelLabel: true });
    try {
      await open('alpha');
      await open('beta');
      await open('beta');
      const { values } = await own.getSingleMetric('app_sse_streams_open_by_channel')!.get();
      expect(values.map((entry) => [entry.labels.channel, entry.value]).sort()).toEqual([
        ['alpha', 1],
        ['beta', 2],
      ]);
    } finally {
      perChannel.unregister();
    }
    expect((await own.metrics()).trim()).toBe('');
  });

  it('names a bad option', () => {
    expect(() => registerSseMetrics(broadcaster, { registry: new Registry(), prefix: 'bad-prefix' })).toThrow(
      'registerSseMetrics: option "prefix" must be a Prometheus metric name prefix, got "bad-prefix"',
    );
    expect(() => registerSseMetrics(broadcaster, { registry: {} as Registry })).toThrow(TypeError);
  });
});
