import { ConnectionCounter } from '../../../components/ConnectionCounter';
import { ConnectionMonitor } from '../../../components/ConnectionMonitor';
import type { Dialect } from '../../../components/dialect';
import { JobProgress, JobStatus, jobChannel } from '../../../components/JobElements';
import { SseElement } from '../../../components/SseElement';
import { SseHead, type SseHeadProps } from '../../../components/SseHead';
import type { WatchedPage } from './support/chromium';
import { useMonitorBrowser } from './support/monitorBrowserFixture';

/** A page of the test's own: the head for `dialect` (each element on its own stream) and `body`. */
function ownPage(dialect: Dialect, body: JSX.Element, head: SseHeadProps = {}): () => JSX.Element {
  return () => (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>page-wide monitor test</title>
        <SseHead dialect={dialect} sharedStream={false} {...head} />
      </head>
      <body>{body}</body>
    </html>
  );
}

/**
 * An element connected by hand, as an app writes it without the components: no
 * `data-sse-connection`, no `<ConnectionMonitor>`.
 */
function handWrittenElement(dialect: Dialect, channel: string, id?: string, cursor?: string): JSX.Element {
  const url = cursor === undefined ? `/sse/${channel}` : `/sse/${channel}?lastEventId=${cursor}`;
  const connect =
    dialect === 'htmx2' ? { 'hx-ext': 'sse', 'sse-connect': url, 'sse-swap': 'message' } : { 'hx-sse:connect': url };
  return (
    <div id={id} class="hand-written" hx-swap="beforeend" {...connect}>
      <p>waiting</p>
    </div>
  );
}

/** The only console errors allowed: the browser's own reports about a downed stream URL. */
function unexpectedProblems(page: WatchedPage, channels: string[]): string[] {
  return page.problems
    .filter(
      (problem) =>
        !(
          problem.text.startsWith('Failed to load resource: net::ERR_') &&
          channels.some((channel) => problem.url.includes(`/sse/${channel}`))
        ),
    )
    .map((problem) => problem.text);
}

describe('page-wide client features in Chromium', () => {
  const fixture = useMonitorBrowser();

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    it('<JobProgress connect> and <JobStatus connect> on their own follow a job to its end', async () => {
      const jobId = `job-run-${dialect}`;
      const channel = jobChannel(jobId);
      const cursor = await fixture.server.broadcaster.cursor();
      const url = fixture.server.addOwnPage(
        ownPage(
          dialect,
          <main>
            <JobProgress jobId={jobId} value={0} connect dialect={dialect} lastEventId={cursor} />
            <JobStatus jobId={jobId} status="queued" connect dialect={dialect} lastEventId={cursor} />
          </main>,
        ),
      );
      const page = await fixture.open(url);
      // Nothing on the page but the two job elements opens a stream, and nothing monitors them.
      await fixture.server.waitForRequests(
        () => fixture.server.requestsFor(channel).filter((request) => !request.closed).length === 2,
      );
      expect(await page.page.locator('[data-sse-monitor]').count()).toBe(0);
      // The render-time cursor: what is published from now on reaches both elements however soon it comes.
      const server = fixture.server.broadcaster;
      await server.publish(channel, { data: <JobStatus jobId={jobId} status="running" oob /> });
      for (const value of [25, 50, 75, 100])
        await server.publish(channel, { data: <JobProgress jobId={jobId} value={value} oob /> });
      await server.publish(channel, { data: <JobStatus jobId={jobId} status="completed" message="Done" oob /> });

      const progress = page.page.locator(`.job-stream > #job-progress-${jobId}[aria-valuenow="100"]`);
      await progress.waitFor();
      expect(await progress.locator('.job-progress-text').textContent()).toBe('100%');
      const status = page.page.locator(`.job-stream > #job-status-${jobId}[data-status="completed"]`);
      await status.waitFor();
      expect(await status.textContent()).toBe('Done');
      // The updates replaced the elements inside their streams, which are still the page's two.
      expect(await page.page.locator('.job-stream').count()).toBe(2);
      expect(fixture.server.requestsFor(channel).filter((request) => !request.closed)).toHaveLength(2);
      expect(page.problems).toEqual([]);
    });

    it('counts the open monitored connections: sseMonitor.count(), sse-monitor:count and <ConnectionCounter mode="page">', async () => {
      const ids = ['a', 'b', 'c'].map((name) => `count-${name}-${dialect}`);
      const url = fixture.server.addOwnPage(
        ownPage(
          dialect,
          <main>
            <p>
              Open here: <ConnectionCounter mode="page" />
            </p>
            {ids.map((id) => (
              <section>
                <ConnectionMonitor connectionId={id} indicator={false} config={{ heartbeatTimeoutMs: 0 }} />
                <SseElement connectionId={id} channel={id} dialect={dialect} closeEvent="done" />
              </section>
            ))}
          </main>,
        ),
      );
      const page = await fixture.open(url, async (watched) => {
        await watched.page.addInitScript(`window.__counts = [];
          document.addEventListener('sse-monitor:count', (event) => window.__counts.push(event.detail.count));`);
      });
      const counts = (): Promise<number[]> => page.page.evaluate('window.__counts') as Promise<number[]>;
      const countReaches = async (length: number): Promise<void> => {
        await page.page.waitForFunction(`window.__counts.length >= ${length}`, undefined, { timeout: 15_000 });
      };
      const counter = page.page.locator('[data-sse-page-count]');

      await countReaches(3);
      expect(await counts()).toEqual([1, 2, 3]);
      expect(await page.page.evaluate('window.sseMonitor.count()')).toBe(3);
      expect(await counter.textContent()).toBe('3');

      // Closed three ways: by the server, by leaving the page, by the app's close event.
      fixture.server.broadcaster.closeChannel(ids[0], { reconnect: false, reason: 'over' });
      await countReaches(4);
      await page.page.evaluate(`document.getElementById(${JSON.stringify(`sse-element-${ids[1]}`)}).remove()`);
      await countReaches(5);
      await fixture.server.broadcaster.publish(ids[2], { event: 'done', data: 'bye' });
      await countReaches(6);
      expect(await counts()).toEqual([1, 2, 3, 2, 1, 0]);
      expect(await counter.textContent()).toBe('0');
      expect(await page.page.evaluate('window.sseMonitor.count()')).toBe(0);

      // Opened again: the count follows.
      expect(await page.page.evaluate(`window.sseMonitor.reconnect(${JSON.stringify(ids[0])})`)).toBe(true);
      await countReaches(7);
      expect(await counts()).toEqual([1, 2, 3, 2, 1, 0, 1]);
      expect(await counter.textContent()).toBe('1');
      expect(page.problems).toEqual([]);
    });

    it('<SseHead supervise> puts a hand-written element, and one swapped in later, under the monitor: it reconnects after a drop', async () => {
      const channel = `supervised-${dialect}`;
      const laterChannel = `supervised-later-${dialect}`;
      const first = `hand-${dialect}`;
      const fragment = fixture.server.addOwnPage(() => handWrittenElement(dialect, laterChannel));
      const supervise = {
        reconnectDelayMs: 150,
        maxBackoffMultiplier: 4,
        jitter: 0.1,
        maxReconnectAttempts: 40,
        heartbeatTimeoutMs: 0,
      };
      const url = fixture.server.addOwnPage(
        ownPage(
          dialect,
          <main id="list">
            <button id="add" type="button" hx-get={fragment} hx-target="#list" hx-swap="beforeend">
              add
            </button>
            {handWrittenElement(dialect, channel, first)}
          </main>,
          { supervise },
        ),
      );
      const page = await fixture.open(url);
      await page.waitForState(first, (state) => state.state === 'connected');
      // Its own id names it, so its state events, the API and the inspector can.
      expect(await page.page.locator(`#${first}`).getAttribute('data-sse-connection')).toBe(first);
      await page.page.click('#add');
      await page.page.locator('.hand-written:not([id])[data-sse-connection]').waitFor();
      const later = (await page.page.locator('.hand-written:not([id])').getAttribute('data-sse-connection')) as string;
      expect(later).toMatch(/^sse-page-\d+$/);
      await page.waitForState(later, (state) => state.state === 'connected');

      await fixture.server.publishItem(channel, 'e1');
      await page.page.locator(`#${first} .item`).waitFor();
      const marks = [page.statesOf(first).length, page.statesOf(later).length];
      await fixture.server.stop();
      await page.waitForState(first, (state) => state.state === 'reconnecting' && state.attempt === 2, marks[0]);
      await page.waitForState(later, (state) => state.state === 'reconnecting' && state.attempt === 2, marks[1]);
      for (const text of ['e2', 'e3']) await fixture.server.publishItem(channel, text);
      await fixture.server.restart();
      await page.waitForState(first, (state) => state.state === 'connected', marks[0]);
      await page.waitForState(later, (state) => state.state === 'connected', marks[1]);
      // It resumed from its cursor: what was published while the server was down, once.
      await page.page.locator(`#${first} .item >> nth=2`).waitFor();
      expect(await page.items(`#${first}`)).toEqual(['e1', 'e2', 'e3']);
      const delays = page
        .statesOf(first)
        .slice(marks[0])
        .filter((state) => state.state === 'reconnecting')
        .map((state) => state.delayMs ?? 0);
      // Capped backoff: never past reconnectDelayMs × maxBackoffMultiplier, plus the jitter.
      expect(Math.max(...delays)).toBeLessThanOrEqual(150 * 4 * 1.1);
      expect(unexpectedProblems(page, [channel, laterChannel])).toEqual([]);
    });

    it('leaves a hand-written element to htmx without the switch', async () => {
      const channel = `unsupervised-${dialect}`;
      const cursor = await fixture.server.broadcaster.cursor();
      const page = await fixture.open(
        fixture.server.addOwnPage(ownPage(dialect, handWrittenElement(dialect, channel, `bare-${dialect}`, cursor))),
      );
      await fixture.server.waitForRequests(() =>
        fixture.server.requestsFor(channel).some((request) => !request.closed),
      );
      await fixture.server.publishItem(channel, 'plain');
      await page.page.locator(`#bare-${dialect} .item`).waitFor();
      expect(await page.page.evaluate('window.sseMonitor.connections().length')).toBe(0);
      expect(await page.page.locator(`#bare-${dialect}`).getAttribute('data-sse-connection')).toBeNull();
      expect(page.states).toEqual([]);
    });
  });
});
