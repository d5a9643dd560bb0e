/**
 * The page side of issue 14 in Chromium, per dialect: the page learns its stream's id, sends it
 * with htmx requests so the server leaves that tab out, element ids of the app's choice, `as`, a
 * monitor without an indicator, the indicator after the element is removed, `autoReconnect: false`,
 * the live connection counter and `logToConsole`.
 */
import express from 'express';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { ConnectionCounter } from '../../../components/ConnectionCounter';
import { ConnectionMonitor } from '../../../components/ConnectionMonitor';
import type { Dialect } from '../../../components/dialect';
import type { MonitorOptions } from '../../../components/monitorOptions';
import { SseElement } from '../../../components/SseElement';
import { SseHead } from '../../../components/SseHead';
import { createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { requestConnectionIds } from '../../../middleware/requestConnectionIds';
import { sseMiddleware } from '../../../middleware/sseMiddleware';
import { type LoopbackServer, listenOnLoopback } from '../../support/loopbackServer';
import { buildClientAssets } from './support/buildClient';
import { launchChromium, WatchedPage } from './support/chromium';

/** What a test page holds: one monitored connection on `channel`, in one of a few shapes. */
interface PageSpec {
  dialect: Dialect;
  channel: string;
  /** Render the monitor without a visible indicator. */
  quiet?: boolean;
  config?: MonitorOptions;
}

function BoardPage({ spec }: { spec: PageSpec }): JSX.Element {
  const config: MonitorOptions = { heartbeatTimeoutMs: 0, ...spec.config };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>parity test</title>
        <SseHead dialect={spec.dialect} />
      </head>
      <body>
        {spec.quiet ? (
          <ConnectionMonitor connectionId="board" indicator={false} config={config} />
        ) : (
          <ConnectionMonitor connectionId="board" id="board-status" config={config} />
        )}
        <SseElement
          connectionId="board"
          id="board-list"
          as="ul"
          channel={spec.channel}
          dialect={spec.dialect}
          swap="beforeend"
          attributes={{ 'aria-label': 'Board' }}
        >
          <li class="item">initial</li>
        </SseElement>
        <button type="button" hx-post={`/move/${spec.channel}`} hx-swap="none">
          Move
        </button>
        <p>
          Open: <ConnectionCounter channel={spec.channel} intervalMs={250} />
        </p>
      </body>
    </html>
  );
}

describe('page identity, app-chosen markup and the counter in Chromium', () => {
  const broadcaster = createBroadcaster();
  const app = express();
  const pages: PageSpec[] = [];
  /** `SSE-Connection-Id` of each request to the move route, in order. */
  const moveHeaders: (string | undefined)[] = [];
  let server: LoopbackServer;
  let url: string;
  let browser: Browser;
  const open: WatchedPage[] = [];

  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.get('/page/:index', (req, res) => {
    const spec = pages[Number(req.params.index)];
    res.type('html').send(`<!doctype html>${<BoardPage spec={spec} />}`);
  });
  // "Everyone but the tab that made this change" in one line.
  app.post('/move/:channel', async (req, res) => {
    moveHeaders.push(req.get('SSE-Connection-Id'));
    const message = { data: '<li class="item">moved</li>' };
    await broadcaster.publish(req.params.channel, message, { exclude: requestConnectionIds(req) });
    res.status(204).end();
  });
  app.use(sseMiddleware({ broadcaster, stats: true, keepAlive: { intervalMs: 250 } }));

  async function openPage(spec: PageSpec): Promise<WatchedPage> {
    pages.push(spec);
    const page = await WatchedPage.open(browser);
    open.push(page);
    await page.page.goto(`${url}/page/${pages.length - 1}`);
    return page;
  }

  /** Resolves once `channel` has `count` open streams on the server. */
  function streamsOpen(channel: string, count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (broadcaster.connections(channel).length !== count) return;
        broadcaster.off('connect', check).off('disconnect', check);
        resolve();
      };
      broadcaster.on('connect', check).on('disconnect', check);
      check();
    });
  }

  const streamIdOf = (page: WatchedPage): Promise<string | undefined> =>
    page.page.evaluate(`window.sseMonitor.streamIdOf('board')`);

  beforeAll(async () => {
    buildClientAssets();
    browser = await launchChromium();
    server = await listenOnLoopback(app);
    url = server.url;
  });

  afterEach(async () => {
    for (const page of open.splice(0)) await page.close();
  });

  afterAll(async () => {
    await broadcaster.close({ reconnect: false });
    await server.close();
    await browser.close();
  });

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    it('renders the app-chosen element and ids, learns its stream id and exposes it to page scripts', async () => {
      const channel = `identity-${dialect}`;
      const page = await openPage({ dialect, channel });
      await page.waitForState('board', (state) => state.state === 'connected');
      await streamsOpen(channel, 1);
      const [serverSide] = broadcaster.connections(channel);
      await page.page.waitForFunction(`window.sseMonitor.streamIdOf('board') !== undefined`);
      expect(await streamIdOf(page)).toBe(serverSide.id);
      const list = page.page.locator('#board-list');
      expect(await list.evaluate((element) => element.tagName)).toBe('UL');
      expect(await list.getAttribute('aria-label')).toBe('Board');
      expect(await list.getAttribute('data-sse-stream-id')).toBe(serverSide.id);
      expect(await page.items('#board-list')).toEqual(['initial']);
      expect(await page.page.locator('#board-status').getAttribute('data-sse-state')).toBe('connected');
      expect(page.problems).toEqual([]);
    });

    it('sends the page stream id with htmx requests, so the tab that made a change is left out', async () => {
      const channel = `board-${dialect}`;
      const mover = await openPage({ dialect, channel });
      const watcher = await openPage({ dialect, channel });
      await mover.waitForState('board', (state) => state.state === 'connected');
      await watcher.waitForState('board', (state) => state.state === 'connected');
      await mover.page.waitForFunction(`window.sseMonitor.streamIdOf('board') !== undefined`);
      const moverId = await streamIdOf(mover);
      const before = moveHeaders.length;
      await mover.page.click('button');
      await watcher.page.locator('#board-list .item >> nth=1').waitFor();
      // On the browser's shared stream the page names this tab of it: `<stream id>/<tab id>`.
      expect(moveHeaders.slice(before)).toEqual([expect.stringMatching(new RegExp(`^${moverId}/[A-Za-z0-9_.-]+$`))]);
      await broadcaster.publish(channel, { data: '<li class="item">for all</li>' });
      await mover.page.locator('#board-list .item >> nth=1').waitFor();
      await watcher.page.locator('#board-list .item >> nth=2').waitFor();
      expect(await mover.items('#board-list')).toEqual(['initial', 'for all']);
      expect(await watcher.items('#board-list')).toEqual(['initial', 'moved', 'for all']);
    });

    it('supervises a connection whose monitor has no indicator', async () => {
      const channel = `quiet-${dialect}`;
      const page = await openPage({ dialect, channel, quiet: true });
      await page.waitForState('board', (state) => state.state === 'connected');
      expect(await page.page.locator('[data-sse-state]').count()).toBe(0);
      expect(await page.page.locator('[data-sse-monitor]').isVisible()).toBe(false);
      await broadcaster.publish(channel, { data: '<li class="item">live</li>' });
      await page.page.locator('#board-list .item >> nth=1').waitFor();
      expect(await page.page.evaluate(`window.sseMonitor.stateOf('board')`)).toBe('connected');
    });

    it('shows closed and stops supervising when the element is removed', async () => {
      const channel = `removed-${dialect}`;
      const page = await openPage({ dialect, channel });
      await page.waitForState('board', (state) => state.state === 'connected');
      await streamsOpen(channel, 1);
      await page.page.evaluate(`document.getElementById('board-list').remove()`);
      // The state event fires on the removed element, which no longer bubbles to the document.
      await page.page.waitForFunction(`document.getElementById('board-status').dataset.sseState === 'closed'`);
      expect(await page.page.locator('#board-status [data-sse-for="closed"]').isVisible()).toBe(true);
      expect(await page.page.evaluate(`window.sseMonitor.stateOf('board') ?? null`)).toBeNull();
      await streamsOpen(channel, 0);
    });

    it('ends in disconnected, not error, when the stream is lost and autoReconnect is off', async () => {
      const channel = `no-retry-${dialect}`;
      const page = await openPage({ dialect, channel, config: { autoReconnect: false } });
      await page.waitForState('board', (state) => state.state === 'connected');
      await streamsOpen(channel, 1);
      const [serverSide] = broadcaster.connections(channel);
      const mark = page.statesOf('board').length;
      await broadcaster.disconnect(serverSide.id, { reconnect: true, reason: 'restart' });
      const final = await page.waitForState('board', (state) => state.state !== 'connected', mark);
      expect(final.state).toBe('disconnected');
      expect(page.statesOf('board').map((state) => state.state)).not.toContain('error');
      await page.page.waitForFunction(`document.getElementById('board-status').dataset.sseState === 'disconnected'`);
      expect(await page.page.locator('#board-status').innerText()).toBe('Disconnected');
    });

    it('counts open streams live: the counter goes from 1 to 2 when a second page opens', async () => {
      const channel = `counted-${dialect}`;
      const first = await openPage({ dialect, channel });
      const counter = first.page.locator('.sse-connection-count');
      await first.page.waitForFunction(`document.querySelector('.sse-connection-count').textContent === '1'`);
      await openPage({ dialect, channel });
      await first.page.waitForFunction(`document.querySelector('.sse-connection-count').textContent === '2'`);
      expect(await counter.textContent()).toBe('2');
    });

    it('logs state changes to the console with logToConsole', async () => {
      const channel = `logged-${dialect}`;
      pages.push({ dialect, channel, config: { logToConsole: true } });
      const page = await WatchedPage.open(browser);
      open.push(page);
      const logged: string[] = [];
      page.page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'info') logged.push(message.text());
      });
      const connectedLogged = page.page.waitForEvent('console', {
        predicate: (message) => message.text() === '[sse-monitor] board: connected',
        timeout: 15_000,
      });
      await page.page.goto(`${url}/page/${pages.length - 1}`);
      await connectedLogged;
      expect(logged).toEqual(
        expect.arrayContaining(['[sse-monitor] board: connecting', '[sse-monitor] board: connected']),
      );
    });
  });
});
