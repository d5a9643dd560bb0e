import { once } from 'node:events';
import express from 'express';
import type { Browser } from 'playwright-core';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../middleware/sseMiddleware';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { launchChromium, WatchedPage } from '../lib/browser/support/chromium';
import { type LoopbackServer, listenOnLoopback } from '../support/loopbackServer';
import { sseLocals, TEMPLATES_DIR } from './support/templateViews';

/**
 * The README's EJS example served by Express as an app would (`view engine` ejs, the components
 * as a local) and opened in Chromium: the page connects through the monitor and a published event
 * is swapped into the element.
 */
describe('an EJS-rendered page in Chromium', () => {
  const broadcaster = createBroadcaster();
  let server: LoopbackServer | undefined;
  let browser: Browser | undefined;
  let page: WatchedPage | undefined;

  beforeAll(async () => {
    buildClientAssets();
    const app = express();
    app.set('views', TEMPLATES_DIR);
    app.set('view engine', 'ejs');
    app.locals.sse = sseLocals;
    app.get('/favicon.ico', (_req, res) => void res.status(204).end());
    app.use(sseMiddleware({ broadcaster }));
    app.get('/board', (_req, res) => res.render('board', { title: 'Board', channel: 'board' }));
    server = await listenOnLoopback(app);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await broadcaster.close();
    await server?.close();
  });

  it('receives a live published event in the element', async () => {
    if (!browser || !server) throw new Error('the browser or the server did not start');
    page = await WatchedPage.open(browser);
    const subscribed = once(broadcaster, 'connect');
    await page.page.goto(`${server.url}/board`);
    await subscribed;
    await page.waitForState('board', (state) => state.state === 'connected');
    expect(await page.page.textContent('#sse-element-board')).toBe('Waiting for news…');

    await broadcaster.publish('board', { data: '<p class="news">Deploy finished</p>' });

    const news = await page.page.waitForSelector('#sse-element-board .news', { timeout: 15_000 });
    expect(await news.textContent()).toBe('Deploy finished');
    expect(await page.page.getAttribute('#sse-status-board', 'data-sse-state')).toBe('connected');
    expect(page.problems).toEqual([]);
  });
});
