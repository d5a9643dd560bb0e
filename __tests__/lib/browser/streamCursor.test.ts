import type { Dialect } from '../../../components/dialect';
import { useMonitorBrowser } from './support/monitorBrowserFixture';

describe('stream cursors in Chromium', () => {
  const fixture = useMonitorBrowser();
  const config = { reconnectDelayMs: 100, jitter: 0.1, maxReconnectAttempts: 100, heartbeatTimeoutMs: 0 };

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    it('resumes from the cursor the stream opened with: dropped before any event, it misses none of the 5 sent meanwhile', async () => {
      const channel = `opening-${dialect}`;
      const id = channel;
      const page = await fixture.open(fixture.server.addPage({ dialect, connections: [{ id, channel, config }] }));
      await page.waitForState(id, (state) => state.state === 'connected');
      const opened = await fixture.server.broadcaster.cursor();
      expect(await page.items(`#sse-element-${id}`)).toEqual([]);
      const mark = page.statesOf(id).length;

      await fixture.server.stop();
      await page.waitForState(id, (state) => state.state !== 'connected', mark);
      const sent = ['m1', 'm2', 'm3', 'm4', 'm5'];
      for (const text of sent) await fixture.server.publishItem(channel, text);
      await fixture.server.restart();
      await page.waitForState(id, (state) => state.state === 'connected', mark);
      await page.page.locator(`#sse-element-${id} .item >> nth=4`).waitFor();
      await fixture.server.publishItem(channel, 'live');
      await page.page.locator(`#sse-element-${id} .item >> nth=5`).waitFor();

      expect(await page.items(`#sse-element-${id}`)).toEqual([...sent, 'live']);
      // The client came back with the position its stream opened with: it had seen no event.
      expect(fixture.server.requestsFor(channel).at(-1)?.cursor).toBe(opened);
    });

    it('shows an event published after the page was rendered but before its stream opened', async () => {
      const channel = `render-${dialect}`;
      const id = channel;
      const release = fixture.server.holdNextStream(channel);
      const url = fixture.server.addPage({ dialect, connections: [{ id, channel, config, renderCursor: true }] });
      const opening = fixture.open(url);
      // The page is rendered and its stream requested, but the stream is not open yet.
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(channel).length === 1);
      const rendered = fixture.server.requestsFor(channel)[0].cursor;
      expect(rendered).toMatch(/^[0-9a-zA-Z]+\.[0-9a-zA-Z]+$/);
      expect(fixture.server.broadcaster.connections(channel)).toEqual([]);
      await fixture.server.publishItem(channel, 'between render and subscribe');
      release();

      const page = await opening;
      await page.page.locator(`#sse-element-${id} .item`).waitFor();
      await fixture.server.publishItem(channel, 'live');
      await page.page.locator(`#sse-element-${id} .item >> nth=1`).waitFor();
      expect(await page.items(`#sse-element-${id}`)).toEqual(['between render and subscribe', 'live']);
      expect(page.problems).toEqual([]);
    });
  });
});
