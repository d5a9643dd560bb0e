import type { Dialect } from '../../../components/dialect';
import { useMonitorBrowser } from './support/monitorBrowserFixture';

describe('connection monitor lifecycle in Chromium', () => {
  const fixture = useMonitorBrowser();

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    it('reaches connected, calls the state callback and swaps a broadcast fragment into the element', async () => {
      const channel = `live-${dialect}`;
      const id = `live-${dialect}`;
      const callbacks: { connectionId: string; state: string }[] = [];
      const config = { heartbeatTimeoutMs: 0, callbacks: { connected: 'onStreamConnected' } };
      const page = await fixture.open(
        fixture.server.addPage({ dialect, connections: [{ id, channel, config }] }),
        async (watched) => {
          await watched.page.exposeBinding(
            '__recordCallback',
            (_source, detail: { connectionId: string; state: string }) => void callbacks.push(detail),
          );
          await watched.page.addInitScript('window.onStreamConnected = (detail) => window.__recordCallback(detail);');
        },
      );
      await page.waitForState(id, (state) => state.state === 'connected');
      const status = page.page.locator(`#sse-status-${id}`);
      expect(await status.getAttribute('data-sse-state')).toBe('connected');
      expect(await status.locator('[data-sse-for="connected"]').isVisible()).toBe(true);
      expect(await status.locator('[data-sse-for="connecting"]').isVisible()).toBe(false);

      await fixture.server.publishItem(channel, 'first <b>bold</b>');
      await page.page.locator(`#sse-element-${id} .item`).waitFor();
      expect(await page.items(`#sse-element-${id}`)).toEqual(['first bold']);
      expect(await page.page.locator(`#sse-element-${id} .item b`).textContent()).toBe('bold');
      // The configured callback (a global function named in the config) ran once, for connected.
      expect(callbacks).toEqual([{ connectionId: id, state: 'connected', attempt: 0 }]);

      // A second copy of the runtime on the page changes nothing: one monitor per connection.
      const states = page.statesOf(id).length;
      await page.page.evaluate(`new Promise((resolve, reject) => {
        const api = window.sseMonitor;
        const script = Object.assign(document.createElement('script'), { src: '/sse/_assets/monitor.js' });
        script.onload = () => (window.sseMonitor === api ? resolve() : reject(new Error('runtime replaced')));
        script.onerror = reject;
        document.head.append(script);
      })`);
      await fixture.server.publishItem(channel, 'second');
      await page.page.locator(`#sse-element-${id} .item >> nth=1`).waitFor();
      expect(await page.items(`#sse-element-${id}`)).toEqual(['first bold', 'second']);
      expect(page.statesOf(id)).toHaveLength(states);
      expect(await page.page.evaluate(`window.sseMonitor.stateOf(${JSON.stringify(id)})`)).toBe('connected');
      expect(page.problems).toEqual([]);
    });

    it('backs off while the server is down, resumes when it is back, and replays what it missed once', async () => {
      const channel = `restart-${dialect}`;
      const id = `restart-${dialect}`;
      const config = {
        reconnectDelayMs: 150,
        maxBackoffMultiplier: 16,
        jitter: 0.1,
        maxReconnectAttempts: 40,
        heartbeatTimeoutMs: 0,
      };
      const page = await fixture.open(fixture.server.addPage({ dialect, connections: [{ id, channel, config }] }));
      await page.waitForState(id, (state) => state.state === 'connected');
      await fixture.server.publishItem(channel, 'e1');
      const { id: lastSeenId } = (await fixture.server.publishItem(channel, 'e2')) as { id: string };
      await page.page.locator(`#sse-element-${id} .item >> nth=1`).waitFor();
      const mark = page.statesOf(id).length;

      await fixture.server.stop();
      await page.waitForState(id, (state) => state.state === 'reconnecting' && state.attempt === 3, mark);
      const indicator = page.page.locator(`#sse-status-${id} [data-sse-for="reconnecting"]`);
      expect(await indicator.isVisible()).toBe(true);
      expect(await indicator.textContent()).toMatch(/^Reconnecting… \d+\/40$/);
      for (const text of ['e3', 'e4', 'e5']) await fixture.server.publishItem(channel, text);

      const outage = page
        .statesOf(id)
        .slice(mark)
        .filter((state) => state.state === 'reconnecting');
      expect(outage.slice(0, 3).map((state) => state.attempt)).toEqual([1, 2, 3]);
      const delays = outage.slice(0, 3).map((state) => state.delayMs ?? 0);
      expect(delays[1]).toBeGreaterThan(delays[0]);
      expect(delays[2]).toBeGreaterThan(delays[1]);
      // Attempt n+1 is scheduled only after attempt n was made, which waited its delay.
      expect(outage[1].at - outage[0].at).toBeGreaterThanOrEqual(delays[0] - 2);
      expect(outage[2].at - outage[1].at).toBeGreaterThanOrEqual(delays[1] - 2);

      await fixture.server.restart();
      await page.waitForState(id, (state) => state.state === 'connected', mark);
      await page.page.locator(`#sse-element-${id} .item >> nth=4`).waitFor();
      await fixture.server.publishItem(channel, 'e6');
      await page.page.locator(`#sse-element-${id} .item >> nth=5`).waitFor();
      expect(await page.items(`#sse-element-${id}`)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      expect(fixture.server.requestsFor(channel).at(-1)?.cursor).toBe(lastSeenId);

      // The only console errors allowed are the browser's own network reports about the downed stream URL.
      const unexpected = page.problems.filter(
        (problem) =>
          !(problem.text.startsWith('Failed to load resource: net::ERR_') && problem.url.includes(`/sse/${channel}`)),
      );
      expect(unexpected).toEqual([]);
    });

    it('stays closed after close {reconnect:false} and comes back after close {reconnect:true, after}', async () => {
      const closedChannel = `closed-${dialect}`;
      const returningChannel = `returning-${dialect}`;
      const config = { reconnectDelayMs: 100, jitter: 0.2, heartbeatTimeoutMs: 0 };
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id: closedChannel, channel: closedChannel, config },
            { id: returningChannel, channel: returningChannel, config },
          ],
        }),
      );
      await page.waitForState(closedChannel, (state) => state.state === 'connected');
      await page.waitForState(returningChannel, (state) => state.state === 'connected');
      const mark = page.statesOf(returningChannel).length;

      expect(fixture.server.broadcaster.closeChannel(closedChannel, { reconnect: false, reason: 'job done' })).toBe(1);
      expect(fixture.server.broadcaster.closeChannel(returningChannel, { reconnect: true, after: 600 })).toBe(1);
      await page.waitForState(closedChannel, (state) => state.state === 'closed');
      const waiting = await page.waitForState(returningChannel, (state) => state.state === 'reconnecting', mark);
      const back = await page.waitForState(returningChannel, (state) => state.state === 'connected', mark);
      expect(waiting.delayMs).toBeGreaterThanOrEqual(600);
      expect(waiting.delayMs).toBeLessThanOrEqual(720);
      expect(back.at - waiting.at).toBeGreaterThanOrEqual(598);

      // The closed connection, whose retries would come every ~100 ms, never asked again.
      expect(fixture.server.requestsFor(returningChannel)).toHaveLength(2);
      expect(fixture.server.requestsFor(closedChannel)).toHaveLength(1);
      expect(await page.page.locator(`#sse-status-${closedChannel}`).getAttribute('data-sse-state')).toBe('closed');
      expect(page.statesOf(closedChannel).map((state) => state.state)).toEqual(['connecting', 'connected', 'closed']);
      // Both streams were read to the end the server gave them, not aborted by the page.
      expect(page.failedRequests).toEqual([]);
      expect(page.problems).toEqual([]);
    });

    it("ends in closed on the app's own close event (sse-close / hx-sse:close) and does not reconnect", async () => {
      const id = `app-close-${dialect}`;
      const witness = `app-close-witness-${dialect}`;
      // Four times the server's 250 ms keep-alive: a stream may wait two rounds for a heartbeat (a
      // new or just-written stream carries its first to the next round, see `keepAlive.ts`), and at
      // 600 ms, 2.4 rounds, a loaded CI worker's late timers timed out a live stream (2026-12-07).
      const config = { reconnectDelayMs: 50, heartbeatTimeoutMs: 1000 };
      fixture.server.silenceNextStream(witness);
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id, channel: id, closeEvent: 'done', config },
            { id: witness, channel: witness, config },
          ],
        }),
      );
      await page.waitForState(id, (state) => state.state === 'connected');
      await fixture.server.broadcaster.publish(id, { event: 'done', data: 'finished' });
      await page.waitForState(id, (state) => state.state === 'closed');
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(id)[0].closed);
      // The silenced witness reconnects after the same 1,000 ms heartbeat timeout: by then neither
      // the 50 ms backoff nor the heartbeat timeout has brought the closed connection back.
      await page.waitForState(witness, (state) => state.state === 'reconnecting');
      await page.waitForState(witness, (state) => state.state === 'connected', 2);
      await fixture.server.publishItem(id, 'too late');
      // Failed once in four CI runs (2026-12-07), with a live stream for the closed element opened
      // about when the witness reconnected; not reproduced in 24 runs under load. Say what opened it.
      const left = fixture.server.broadcaster.connections(id);
      if (left.length > 0)
        throw new Error(
          `the closed element's channel still has a stream: ${JSON.stringify({ left, requests: fixture.server.requestsFor(id), states: page.statesOf(id), witness: page.statesOf(witness) })}`,
        );
      expect(left).toHaveLength(0);
      expect(page.statesOf(id).map((state) => state.state)).toEqual(['connecting', 'connected', 'closed']);
      expect(fixture.server.requestsFor(id)).toHaveLength(1);
      expect(page.problems).toEqual([]);
    });

    it('gives up after the attempt limit (state error) and retries on request through window.sseMonitor', async () => {
      const id = `refused-${dialect}`;
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id, channel: id, missing: true, config: { maxReconnectAttempts: 2, reconnectDelayMs: 50, jitter: 0 } },
          ],
        }),
      );
      const gaveUp = await page.waitForState(id, (state) => state.state === 'error');
      expect(page.statesOf(id).map((state) => `${state.state}#${state.attempt}`)).toEqual([
        'connecting#0',
        'reconnecting#1',
        'reconnecting#2',
        'error#2',
      ]);
      expect(gaveUp.attempt).toBe(2);
      expect(fixture.server.requestsFor(id)).toHaveLength(3);
      expect(await page.page.locator(`#sse-status-${id} [data-sse-for="error"]`).isVisible()).toBe(true);

      const mark = page.statesOf(id).length;
      expect(await page.page.evaluate(`window.sseMonitor.reconnect(${JSON.stringify(id)})`)).toBe(true);
      await page.waitForState(id, (state) => state.state === 'error', mark);
      expect(fixture.server.requestsFor(id)).toHaveLength(6);
      const unexpected = page.problems.filter(
        (problem) => !(problem.text.includes('404') && problem.url.includes(`/missing/${id}`)),
      );
      expect(unexpected).toEqual([]);
    });

    it('resumes from its cursor when htmx swaps in a new copy of the element', async () => {
      const connection = { id: `swapped-${dialect}`, channel: `swapped-${dialect}`, config: { heartbeatTimeoutMs: 0 } };
      const page = await fixture.open(fixture.server.addPage({ dialect, connections: [connection] }));
      await page.waitForState(connection.id, (state) => state.state === 'connected');
      await fixture.server.publishItem(connection.channel, 'before');
      await page.page.locator(`#sse-element-${connection.id} .item`).waitFor();
      const mark = page.statesOf(connection.id).length;

      const { id: cursor } = await fixture.server.publishReplacement(dialect, connection, 'replaced');
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(connection.channel).length === 2);
      await page.waitForState(connection.id, (state) => state.state === 'connected', mark);
      expect(fixture.server.requestsFor(connection.channel)[1].cursor).toBe(cursor);
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(connection.channel)[0].closed);
      await fixture.server.publishItem(connection.channel, 'after');
      await page.page.locator(`#sse-element-${connection.id} .item >> nth=1`).waitFor();
      expect(await page.items(`#sse-element-${connection.id}`)).toEqual(['replaced', 'after']);
      expect(await page.page.locator(`[id="sse-element-${connection.id}"]`).count()).toBe(1);
      // No "closed" or "reconnecting" flash on the indicator: the new copy just connects.
      expect(
        page
          .statesOf(connection.id)
          .slice(mark)
          .map((state) => state.state),
      ).toEqual(['connecting', 'connected']);
      expect(page.problems).toEqual([]);
    });

    it('closes the stream when the element is removed from the page by other code', async () => {
      const id = `removed-${dialect}`;
      const witness = `witness-${dialect}`;
      // Four times the server's 250 ms keep-alive: a stream may wait two rounds for a heartbeat (a
      // new or just-written stream carries its first to the next round, see `keepAlive.ts`), and at
      // 600 ms, 2.4 rounds, a loaded CI worker's late timers timed out a live stream (2026-12-07).
      const config = { heartbeatTimeoutMs: 1000, reconnectDelayMs: 300, jitter: 0 };
      fixture.server.silenceNextStream(witness);
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id, channel: id, config },
            { id: witness, channel: witness, config },
          ],
        }),
      );
      await page.waitForState(id, (state) => state.state === 'connected');
      await page.waitForState(witness, (state) => state.state === 'connected');
      const statesBefore = page.statesOf(id).length;
      await page.page.evaluate(`document.getElementById(${JSON.stringify(`sse-element-${id}`)}).remove()`);
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(id)[0].closed);
      expect(fixture.server.broadcaster.connections(id)).toHaveLength(0);
      // The silenced witness times out after the same 1,000 ms and reconnects: by then the removed
      // connection's heartbeat timer would have fired too, had it survived its element.
      await page.waitForState(witness, (state) => state.state === 'reconnecting');
      await page.waitForState(witness, (state) => state.state === 'connected', 2);
      expect(page.statesOf(id)).toHaveLength(statesBefore);
      expect(fixture.server.requestsFor(id)).toHaveLength(1);
      expect(page.problems).toEqual([]);
    });
  });
});
