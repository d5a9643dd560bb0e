import type { Dialect } from '../../../components/dialect';
import { useMonitorBrowser } from './support/monitorBrowserFixture';

describe('connection monitor liveness in Chromium', () => {
  // Heartbeats every 250 ms: a 1200 ms heartbeat timeout only fires on a silent stream.
  // Three events of history per channel, so that a longer absence ends in a gap.
  const fixture = useMonitorBrowser(250, 3);

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    it('reconnects when the server holds the stream open but stops sending heartbeats', async () => {
      const quiet = `quiet-${dialect}`;
      const beating = `beating-${dialect}`;
      const config = { heartbeatTimeoutMs: 1200, reconnectDelayMs: 100, jitter: 0 };
      fixture.server.silenceNextStream(quiet);
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id: quiet, channel: quiet, config },
            { id: beating, channel: beating, config },
          ],
        }),
      );
      await page.waitForState(beating, (state) => state.state === 'connected');
      const first = await page.waitForState(quiet, (state) => state.state === 'connected');
      const lost = await page.waitForState(quiet, (state) => state.state === 'reconnecting');
      await page.waitForState(quiet, (state) => state.state === 'connected' && state.at > lost.at);
      expect(lost.at - first.at).toBeGreaterThanOrEqual(1198);
      // The page left the silent socket (the server saw it close) and opened a new stream.
      await fixture.server.waitForRequests(
        () => fixture.server.requestsFor(quiet).length === 2 && fixture.server.requestsFor(quiet)[0].closed,
      );
      expect(fixture.server.requestsFor(quiet)[1].closed).toBe(false);
      // The stream with heartbeats outlived the same timeout untouched.
      expect(page.statesOf(beating).map((state) => state.state)).toEqual(['connecting', 'connected']);
      expect(fixture.server.requestsFor(beating)).toHaveLength(1);
      expect(page.problems).toEqual([]);
    });

    it('pauses while hidden when configured, resumes from its cursor when visible, and leaves other streams alone', async () => {
      const paused = `paused-${dialect}`;
      const steady = `steady-${dialect}`;
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id: paused, channel: paused, config: { pauseWhenHidden: true, heartbeatTimeoutMs: 0 } },
            { id: steady, channel: steady, config: { pauseWhenHidden: false, heartbeatTimeoutMs: 0 } },
          ],
        }),
      );
      await page.waitForState(paused, (state) => state.state === 'connected');
      await page.waitForState(steady, (state) => state.state === 'connected');
      const { id: cursor } = (await fixture.server.publishItem(paused, 'before')) as { id: string };
      await page.page.locator(`#sse-element-${paused} .item`).waitFor();

      await page.setHidden(true);
      await page.waitForState(paused, (state) => state.state === 'disconnected');
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(paused)[0].closed);
      expect(await page.page.locator(`#sse-status-${paused}`).getAttribute('data-sse-state')).toBe('disconnected');
      await fixture.server.publishItem(paused, 'while hidden');
      await fixture.server.publishItem(steady, 'still flowing');
      await page.page.locator(`#sse-element-${steady} .item`).waitFor();

      const mark = page.statesOf(paused).length;
      await page.setHidden(false);
      await page.waitForState(paused, (state) => state.state === 'connected', mark);
      await page.page.locator(`#sse-element-${paused} .item >> nth=1`).waitFor();
      expect(await page.items(`#sse-element-${paused}`)).toEqual(['before', 'while hidden']);
      expect(fixture.server.requestsFor(paused)).toHaveLength(2);
      expect(fixture.server.requestsFor(paused)[1].cursor).toBe(cursor);
      expect(page.statesOf(paused).map((state) => state.state)).toEqual([
        'connecting',
        'connected',
        'disconnected',
        'connecting',
        'connected',
      ]);
      expect(page.statesOf(steady).map((state) => state.state)).toEqual(['connecting', 'connected']);
      expect(fixture.server.requestsFor(steady)).toHaveLength(1);
      expect(page.problems).toEqual([]);
    });

    it('on becoming visible skips the backoff wait, only where reconnectWhenVisible is on', async () => {
      const eager = `eager-${dialect}`;
      const patient = `patient-${dialect}`;
      const config = { reconnectDelayMs: 30_000, jitter: 0, heartbeatTimeoutMs: 0, maxReconnectAttempts: 3 };
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [
            { id: eager, channel: eager, missing: true, config: { ...config, reconnectWhenVisible: true } },
            { id: patient, channel: patient, missing: true, config: { ...config, reconnectWhenVisible: false } },
          ],
        }),
      );
      await page.waitForState(eager, (state) => state.state === 'reconnecting');
      await page.waitForState(patient, (state) => state.state === 'reconnecting');
      const mark = page.statesOf(eager).length;
      await page.setHidden(true);
      await page.setHidden(false);
      await page.waitForState(eager, (state) => state.state === 'reconnecting', mark);
      expect(page.statesOf(eager).map((state) => `${state.state}#${state.attempt}`)).toEqual([
        'connecting#0',
        'reconnecting#1',
        'connecting#0',
        'reconnecting#1',
      ]);
      await fixture.server.waitForRequests(() => fixture.server.requestsFor(eager).length === 2);
      // The patient connection is still in its 30 s wait: one request, no new state.
      expect(page.statesOf(patient).map((state) => `${state.state}#${state.attempt}`)).toEqual([
        'connecting#0',
        'reconnecting#1',
      ]);
      expect(fixture.server.requestsFor(patient)).toHaveLength(1);
      const unexpected = page.problems.filter(
        (problem) => !(problem.text.includes('404') && problem.url.includes('/missing/')),
      );
      expect(unexpected).toEqual([]);
    });

    it('tells the page with sse-monitor:gap when what it missed is older than the history', async () => {
      const id = `gap-${dialect}`;
      const page = await fixture.open(
        fixture.server.addPage({
          dialect,
          connections: [{ id, channel: id, config: { pauseWhenHidden: true, heartbeatTimeoutMs: 0 } }],
        }),
      );
      const gaps: { connectionId: string; lastEventId: string; latestId: string | null }[] = [];
      let gapSeen: () => void = () => undefined;
      const gap = new Promise<void>((resolve) => {
        gapSeen = resolve;
      });
      await page.page.exposeBinding('__recordGap', (_source, detail: (typeof gaps)[number]) => {
        gaps.push(detail);
        gapSeen();
      });
      await page.page.evaluate(
        `document.addEventListener('sse-monitor:gap', (event) => window.__recordGap(event.detail))`,
      );
      await page.waitForState(id, (state) => state.state === 'connected');
      const { id: cursor } = (await fixture.server.publishItem(id, 'seen')) as { id: string };
      await page.page.locator(`#sse-element-${id} .item`).waitFor();

      await page.setHidden(true);
      await page.waitForState(id, (state) => state.state === 'disconnected');
      let latest = '';
      for (let index = 1; index <= 5; index += 1)
        latest = ((await fixture.server.publishItem(id, `missed ${index}`)) as { id: string }).id;
      await page.setHidden(false);
      await gap;
      expect(gaps).toEqual([{ connectionId: id, lastEventId: cursor, latestId: latest }]);
      expect(page.problems).toEqual([]);
    });
  });
});
