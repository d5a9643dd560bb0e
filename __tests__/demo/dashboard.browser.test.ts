import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BoardStore } from '../../demo/board/boardStore';
import type { Dialect } from '../../demo/dashboardFeed';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../demo/startDemoServer';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, launchChromium, PAGE_LOAD_TIMEOUT_MS } from '../lib/browser/support/chromium';
import { settleWithin } from '../lib/redis/settleWithin';
import { OutageWindow, openWatchedPage, RECORD_STATES, type WatchedPage, waitForExpression } from './watchedPage';

const EVENT_WAIT = { timeout: 10_000 };
/**
 * Where the screenshot test writes: a temporary file, so that `npm test` leaves the checkout as it
 * was; `npm run docs:screenshot` sets `DASHBOARD_SCREENSHOT=docs/dashboard.png` to refresh the README's.
 */
const SCREENSHOT_PATH = process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), `dashboard-${process.pid}.png`);
/** The screenshot's long job: long enough to be still running when it is cancelled, on a loaded machine too. */
const LONG_JOB_SECONDS = 24;

async function statesOf(page: Page, connectionId: string): Promise<string[]> {
  const all = (await page.evaluate('window.__states')) as string[];
  return all
    .filter((entry) => entry.startsWith(`${connectionId}:`))
    .map((entry) => entry.slice(connectionId.length + 1));
}

/** Waits until, after the first `since` recorded states, the page stream has been reconnecting and is connected again. */
async function waitForRecovery(page: Page, since: number): Promise<void> {
  const recovered = `(() => {
    const states = window.__states.slice(${since}).filter((entry) => entry.startsWith('dashboard:'));
    return states.includes('dashboard:reconnecting') && states.at(-1) === 'dashboard:connected';
  })()`;
  await waitForExpression(page, recovered).catch(async (error: Error) => {
    throw new Error(
      `${error.message}\nthe page's dashboard states since: ${JSON.stringify(await statesOf(page, 'dashboard'))}`,
    );
  });
}

/** Waits until the connections panel of `page` shows `count` streams on `channel`. */
async function waitForChannelCount(page: Page, channel: string, count: number): Promise<void> {
  await waitForExpression(
    page,
    `document.querySelector('[data-channel="${channel}"] .number')?.textContent === '${count}'`,
  );
}

/** Waits until the status of `connectionId` shows `state`; past the bound, fails with every state the page recorded for it. */
async function waitForState(page: Page, connectionId: string, state: string): Promise<void> {
  await page
    .waitForSelector(`#sse-status-${connectionId}[data-sse-state="${state}"]`, EVENT_WAIT)
    .catch(async (error: Error) => {
      throw new Error(
        `${error.message}\nthe states of ${connectionId} so far: ${JSON.stringify(await statesOf(page, connectionId))}`,
      );
    });
}

/** Adds a note with the page's form and waits until the server has answered the post (2xx). */
async function addNote(page: Page, text: string): Promise<void> {
  await page.fill('#board-text', text);
  const [answer] = await Promise.all([
    page.waitForResponse(
      (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/board/items',
      EVENT_WAIT,
    ),
    page.click('#board button[type="submit"]'),
  ]);
  expect(answer.status()).toBeLessThan(300);
}

async function waitForNote(page: Page, text: string): Promise<void> {
  await page.locator('.note-text', { hasText: text }).waitFor(EVENT_WAIT);
}

/** What a failed wait for a note reports: whether the board took it, the page's states and problems, the server's streams. */
async function explainMissingNote(
  watched: WatchedPage,
  text: string,
  board: BoardStore,
  running: DemoServer,
  channel: string,
): Promise<string> {
  const streams = running.demo.broadcaster.connections(channel).map(({ id, createdAt, eventsSent, bufferedBytes }) => ({
    id,
    ageMs: Date.now() - createdAt,
    eventsSent,
    bufferedBytes,
  }));
  return [
    `the board ${board.items().some((item) => item.text === text) ? 'has' : 'does not have'} the note`,
    `the page's dashboard states: ${JSON.stringify(await statesOf(watched.page, 'dashboard'))}`,
    `its problems: ${JSON.stringify(watched.problems)}`,
    `the server's streams on ${channel}: ${JSON.stringify(streams)}`,
  ].join('\n');
}

describe.each<Dialect>(['htmx2', 'htmx4'])('demo dashboard in Chromium (%s)', (dialect) => {
  const channel = `dashboard-${dialect}`;
  const board = new BoardStore();
  const outage = new OutageWindow();
  const options: Omit<DemoServerOptions, 'port'> = {
    board,
    dialect,
    keepAliveMs: 1000,
    reconnectDelayMs: 200,
    metricsIntervalMs: 250,
    jobTickMs: 50,
    controls: { restartAfterMs: 200, pauseMs: 1500 },
  };
  let browser: Browser;
  let running: DemoServer;
  let a: WatchedPage;
  let b: WatchedPage;

  async function open(): Promise<WatchedPage> {
    const watched = await openWatchedPage(browser, outage);
    await watched.page.addInitScript(RECORD_STATES);
    await watched.page.goto(`${running.url}/?dialect=${dialect}`, { timeout: PAGE_LOAD_TIMEOUT_MS });
    await waitForState(watched.page, 'dashboard', 'connected');
    return watched;
  }

  // Longer than its bounds: Chromium's start, then two pages each loaded and connected, and a margin for the rest.
  beforeAll(
    async () => {
      buildClientAssets();
      browser = await launchChromium();
      running = await startDemoServer({ ...options, port: 0 });
      a = await open();
      b = await open();
    },
    CHROMIUM_LAUNCH_TIMEOUT_MS + 2 * (PAGE_LOAD_TIMEOUT_MS + EVENT_WAIT.timeout) + 30_000,
  );

  afterAll(async () => {
    await running?.close({ reconnectAfterMs: 60_000 });
    await browser?.close();
  });

  it('shows an action taken in page A in page B', async () => {
    await addNote(a.page, `Hello from A (${dialect})`);
    await waitForNote(b.page, `Hello from A (${dialect})`);
    await b.page.click(`.note[data-done="false"] .note-toggle`);
    await a.page.waitForSelector('.note[data-done="true"]', EVENT_WAIT);
    expect(board.items().map((item) => [item.text, item.done])).toEqual([[`Hello from A (${dialect})`, true]]);
  });

  it('counts both pages in the connections panel', async () => {
    await waitForChannelCount(a.page, channel, 2);
    expect(running.demo.broadcaster.stats().byChannel[channel]).toBe(2);
    const open = Number(await a.page.textContent('[data-stat="open"]'));
    expect(open).toBeGreaterThanOrEqual(2);
  });

  it('swaps in each system figure live from the latest-value events of its own channel', async () => {
    await waitForState(a.page, 'system', 'connected');
    for (const figure of ['cpu', 'memory', 'loop-delay', 'connections']) {
      const rendered = await a.page.getAttribute(`#system-${figure}`, 'data-sampled-at');
      await waitForExpression(
        a.page,
        `Number(document.querySelector('#system-${figure}')?.getAttribute('data-sampled-at')) > ${Number(rendered ?? 0)}`,
      );
    }
  });

  it('runs a job to 100 % in both pages and closes its stream for good', async () => {
    const connects: string[] = [];
    const onConnect = (connection: { channel: string }): void => {
      connects.push(connection.channel);
    };
    running.demo.broadcaster.on('connect', onConnect);
    try {
      await a.page.fill('#jobs input[name="name"]', 'Quick report');
      await a.page.fill('#jobs input[name="duration"]', '0.8');
      await a.page.click('#jobs button[type="submit"]');
      const row = b.page.locator('.job', { hasText: 'Quick report' });
      await row.waitFor(EVENT_WAIT);
      const jobId = await row.getAttribute('data-job');
      expect(jobId).toMatch(/^[0-9a-f]{8}$/);
      for (const { page } of [a, b]) {
        await page.waitForSelector(`#job-status-${jobId}[data-status="completed"]`, EVENT_WAIT);
        expect(await page.getAttribute(`#job-progress-${jobId}`, 'aria-valuenow')).toBe('100');
        // On the page's one shared stream, events arrive in publish order: the row without the
        // job's stream may replace it before the close event; either way the stream is ended.
        await page.waitForFunction(
          `(() => {
            const status = document.getElementById('sse-status-job-${jobId}');
            return !status || status.getAttribute('data-sse-state') === 'closed';
          })()`,
          undefined,
          EVENT_WAIT,
        );
      }
      // The shared stream lets the finished job's channel go by replacing itself with one without
      // it: wait for that stream to leave (each close is a disconnect event), within the same bound.
      const broadcaster = running.demo.broadcaster;
      const jobStreamsGone = new Promise<void>((resolve) => {
        const check = (): void => {
          if (broadcaster.connections(`job-${jobId}`).length > 0) return;
          broadcaster.off('disconnect', check);
          resolve();
        };
        broadcaster.on('disconnect', check);
        check();
      });
      await settleWithin(jobStreamsGone, EVENT_WAIT.timeout, 'no stream left on the finished job');
      expect(broadcaster.connections(`job-${jobId}`)).toEqual([]);
      // A round trip through both pages later, no page has come back for the finished job.
      await addNote(b.page, 'after the job');
      await waitForNote(a.page, 'after the job');
      expect(connects.filter((name) => name === `job-${jobId}`).length).toBeLessThanOrEqual(2);
      expect(running.demo.broadcaster.connections(`job-${jobId}`)).toEqual([]);
      expect(await a.page.locator('.job', { hasText: 'Quick report' }).count()).toBe(1);
    } finally {
      running.demo.broadcaster.off('connect', onConnect);
    }
  });

  it('goes reconnecting, then connected, across a server restart and shows what changed meanwhile', async () => {
    const port = running.port;
    outage.active = true;
    await running.close({ reconnectAfterMs: 200 });
    for (const { page } of [a, b]) await waitForState(page, 'dashboard', 'reconnecting');
    board.add(`Written while the server was down (${dialect})`);
    running = await startDemoServer({ ...options, port });
    for (const { page } of [a, b]) {
      await waitForState(page, 'dashboard', 'connected');
      await waitForNote(page, `Written while the server was down (${dialect})`);
    }
    outage.active = false;
    for (const { page } of [a, b]) {
      const states = await statesOf(page, 'dashboard');
      const reconnecting = states.lastIndexOf('reconnecting');
      expect(reconnecting).toBeGreaterThan(0);
      expect(states.slice(reconnecting)).toContain('connected');
      expect(states.at(-1)).toBe('connected');
    }
    await waitForChannelCount(a.page, channel, 2);
  });

  it.each(['restart-stream', 'drop-connections', 'pause'])(
    'recovers from the "%s" control in both pages',
    async (control) => {
      outage.phase = control;
      const since = await Promise.all(
        [a, b].map(({ page }) => page.evaluate('window.__states.length') as Promise<number>),
      );
      outage.active = true;
      await a.page.click(`[data-control="${control}"]`);
      await a.page.locator('#control-result', { hasText: /\S/ }).waitFor(EVENT_WAIT);
      await Promise.all([a, b].map(({ page }, index) => waitForRecovery(page, since[index])));
      outage.active = false;
      outage.phase = `after ${control}`;
      await addNote(b.page, `after ${control}`);
      await waitForNote(a.page, `after ${control}`).catch(async (error: Error) => {
        throw new Error(
          `${error.message}\n${await explainMissingNote(a, `after ${control}`, board, running, channel)}`,
        );
      });
    },
  );

  if (dialect === 'htmx2') {
    it(
      'takes the README screenshot of a busy dashboard',
      async () => {
        outage.phase = 'screenshot';
        // Tidy the board the earlier tests filled, as another writer would.
        for (const item of board.items()) if (!item.done) board.toggle(item.id);
        board.clearDone();
        await a.page
          .locator('.note')
          .first()
          .waitFor({ state: 'detached', ...EVENT_WAIT });
        for (const text of [
          'Ship the live dashboard',
          'Write the release notes',
          'Open a second tab and watch this list',
        ]) {
          await addNote(a.page, text);
          await waitForNote(a.page, text);
        }
        await a.page.click('.note[data-done="false"] .note-toggle');
        await a.page.fill('#jobs input[name="name"]', 'Resize images');
        await a.page.fill('#jobs input[name="duration"]', '0.5');
        await a.page.click('#jobs button[type="submit"]');
        await a.page.waitForSelector('.job [data-status="completed"]', EVENT_WAIT);
        await a.page.fill('#jobs input[name="name"]', 'Nightly export');
        await a.page.fill('#jobs input[name="duration"]', String(LONG_JOB_SECONDS));
        await a.page.click('#jobs button[type="submit"]');
        const nightly = a.page.locator('.job', { hasText: 'Nightly export' });
        await nightly.waitFor(EVENT_WAIT);
        const nightlyId = await nightly.getAttribute('data-job');
        // A fresh tab shows the state as anyone opening the demo would see it.
        const fresh = await openWatchedPage(browser, outage);
        try {
          await fresh.page.addInitScript(RECORD_STATES);
          await fresh.page.goto(`${running.url}/?dialect=${dialect}`, { timeout: PAGE_LOAD_TIMEOUT_MS });
          await waitForState(fresh.page, 'dashboard', 'connected');
          await waitForState(fresh.page, `job-${nightlyId}`, 'connected');
          await waitForExpression(
            fresh.page,
            `Number(document.querySelector('#job-progress-${nightlyId}')?.getAttribute('aria-valuenow')) >= 35`,
            LONG_JOB_SECONDS * 1000,
          );
          await mkdir(dirname(SCREENSHOT_PATH), { recursive: true });
          await fresh.page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
          expect((await stat(SCREENSHOT_PATH)).size).toBeGreaterThan(10_000);
          expect(fresh.problems).toEqual([]);
        } finally {
          await fresh.context.close();
        }
        await a.page.click(`#job-actions-${nightlyId} button`);
        await a.page.waitForSelector(`#job-status-${nightlyId}[data-status="cancelled"]`, EVENT_WAIT);
        // Longer than its bounds: a page load, the long job's progress, and six waits for an event.
      },
      PAGE_LOAD_TIMEOUT_MS + LONG_JOB_SECONDS * 1000 + 6 * EVENT_WAIT.timeout + 10_000,
    );
  }

  it('runs under the nonce Content Security Policy it is sent, with no violation in either page', async () => {
    const response = await a.page.request.get(`${running.url}/?dialect=${dialect}`);
    expect(response.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(response.headers()['x-content-type-options']).toBe('nosniff');
    expect(response.headers()['x-frame-options']).toBe('DENY');
    for (const watched of [a, b]) expect(await watched.page.evaluate('window.__violations')).toEqual([]);
  });

  it('had no console errors or failed requests outside the intentional outage', async () => {
    // Known open issue (see the closing note of the issue-12/14 merge): a job that ends within a
    // second can still open its own stream (`/sse/job-…`) before the page's shared stream takes it,
    // and that stream is aborted when the finished row replaces its element. Nothing is lost (the
    // row carries the final state); only that aborted request is allowed here.
    const abortedJobStream = /^GET http:\/\/127\.0\.0\.1:\d+\/sse\/job-[0-9a-f]{8}: net::ERR_ABORTED$/;
    const outside = [...a.problems, ...b.problems].filter(
      (problem) => !problem.duringOutage && !(problem.kind === 'requestfailed' && abortedJobStream.test(problem.text)),
    );
    expect(outside).toEqual([]);
    const during = [...a.problems, ...b.problems].filter((problem) => problem.duringOutage);
    // Everything that went wrong during an outage concerns a stream: its request, or the htmx
    // and monitor code reporting it. The browser's shared stream is read in its SharedWorker,
    // whose failed requests reach no page console: an outage may leave no trace here at all.
    for (const problem of during)
      expect(problem.text).toMatch(
        /\/sse(\/(dashboard-htmx[24]|job-[0-9a-f]{8})\b|\?channels=)|\/sse\/_assets\/(htmx2|htmx-ext-sse|htmx4|hx-sse|monitor|shared-stream)\.js/,
      );
  });
});
