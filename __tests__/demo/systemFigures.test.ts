import { parse } from 'node-html-parser';
import { type DemoServer, startDemoServer } from '../../demo/startDemoServer';
import { SYSTEM_FIGURES, systemFigureId } from '../../demo/system/SystemCard';
import type { PublishedEvent } from '../../index';
import { parseFrame } from '../../lib/protocol/eventStreamParser';
import { RecordingEventSource } from '../support/eventSourceClient';

describe('the system card over latest-value events', () => {
  let running: DemoServer;
  const clients: RecordingEventSource[] = [];
  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    await running?.close();
  });

  it('replays a tab that comes back only the latest value of each figure, however many seconds it missed', async () => {
    running = await startDemoServer({ port: 0, metricsIntervalMs: 20 });
    const { broadcaster } = running.demo;
    const cursor = await broadcaster.cursor();
    // Three rounds of the four figures after the cursor: each figure superseded at least twice.
    await new Promise<void>((resolve) => {
      let published = 0;
      const onPublish = (event: PublishedEvent): void => {
        if (event.channel !== 'system' || ++published < 3 * SYSTEM_FIGURES.length) return;
        broadcaster.off('publish', onPublish);
        resolve();
      };
      broadcaster.on('publish', onPublish);
    });
    running.demo.stop();
    const history = await broadcaster.history('system', { since: cursor });
    if (history.kind !== 'events') throw new Error('expected the figures after the cursor, got a gap');
    const latest = history.events.map((event) => parseFrame(event.frame).data);
    expect(latest.map((data) => parse(data).querySelector('.metric')?.id)).toEqual(SYSTEM_FIGURES.map(systemFigureId));
    expect(broadcaster.stats().superseded).toBeGreaterThanOrEqual(2 * SYSTEM_FIGURES.length);

    const replayed = new Promise<number>((resolve) =>
      broadcaster.once('replay', (_connection, outcome) => resolve(outcome.replayed)),
    );
    const back = new RecordingEventSource(`${running.url}/sse/system`, [], { 'Last-Event-ID': cursor });
    clients.push(back);
    await back.received(SYSTEM_FIGURES.length);

    expect(await replayed).toBe(SYSTEM_FIGURES.length);
    expect(back.data()).toEqual(latest);
    for (const data of back.data())
      expect(parse(data).querySelector('.metric')?.getAttribute('hx-swap-oob')).toBe('true');
  });
});
