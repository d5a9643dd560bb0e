import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Dialect } from '../../../components/dialect';
import { buildClientAssets } from './support/buildClient';
import { launchChromium, WatchedPage } from './support/chromium';
import { HISTORY_SIZE, type InspectedElement, InspectorTestServer } from './support/inspectorTestServer';

/**
 * Where the screenshot test writes: a temporary file, so that `npm test` leaves the checkout as it
 * was; `npm run docs:screenshot` sets `INSPECTOR_SCREENSHOT=docs/inspector.png` to refresh the README's.
 */
const SCREENSHOT_PATH = process.env.INSPECTOR_SCREENSHOT ?? join(tmpdir(), `inspector-${process.pid}.png`);
/** The acceptance bound: a published event is listed within a second. */
const LISTED_WITHIN_MS = 1000;

function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** The inspector panel of a page and its rows, found by their cells as a reader finds them. */
class Panel {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.locator('[data-sse-inspector]');
  }

  /** The connections table's row of `connectionId`. */
  connection(connectionId: string): Locator {
    return this.#rowWhere(0, 'connection', connectionId);
  }

  /** The events table's row of the event with `id`. */
  event(id: string): Locator {
    return this.#rowWhere(1, 'id', id);
  }

  /** The events table's rows of one kind (`event`, `gap`, `close`, `state`). */
  rowsOfKind(kind: string): Locator {
    return this.root.locator(`table >> nth=1 >> tbody tr.sse-inspector__row--${kind}`);
  }

  /** The text of each cell of `row`, by column. */
  cells(row: Locator): Promise<Record<string, string>> {
    return row.evaluate((element) =>
      Object.fromEntries(
        [...(element as HTMLTableRowElement).cells].map((cell) => [cell.dataset.column ?? '', cell.textContent ?? '']),
      ),
    );
  }

  /** Waits until a cell of `row` reads `text`. */
  async waitForCell(row: Locator, column: string, text: string, timeout?: number): Promise<void> {
    await row.locator(`[data-column="${column}"]`, { hasText: exactly(text) }).waitFor({ timeout });
  }

  #rowWhere(table: number, column: string, text: string): Locator {
    return this.root
      .locator(`table >> nth=${table} >> tbody tr`)
      .filter({ has: this.page.locator(`[data-column="${column}"]`, { hasText: exactly(text) }) });
  }
}

describe('<SseInspector> in Chromium', () => {
  let browser: Browser | undefined;
  let server: InspectorTestServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildClientAssets();
    browser = await launchChromium();
    server = await InspectorTestServer.start();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await server?.close();
    await browser?.close();
  });

  /** Opens `url` in a browser profile of its own (its own SharedWorker). */
  async function open(url: string): Promise<{ watched: WatchedPage; panel: Panel }> {
    if (!browser) throw new Error('Chromium is not running (beforeAll failed)');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const watched = await WatchedPage.open(context);
    await watched.page.goto(url);
    return { watched, panel: new Panel(watched.page) };
  }

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    const twoElements = (tag: string): InspectedElement[] => [
      { id: `news-${tag}`, channel: `news-${tag}` },
      { id: `alerts-${tag}`, channel: `alerts-${tag}` },
    ];

    it('lists the elements of a two-element page on the shared stream, and a published event with its channel and id within 1 s', async () => {
      const [news, alerts] = twoElements(`${dialect}-worker`);
      const url = server.addPage({ dialect, elements: [news, alerts], inspector: { open: true } });
      const { watched, panel } = await open(url);

      for (const element of [news, alerts]) {
        const row = panel.connection(element.id);
        await panel.waitForCell(row, 'state', 'connected');
        const cells = await panel.cells(row);
        expect(cells).toMatchObject({ channels: element.channel, stream: 'shared (worker)' });
        expect(cells['stream id']).not.toBe('');
      }

      const { id } = await server.broadcaster.publish(alerts.channel, { data: '<p>storm warning</p>' });
      const started = Date.now();
      const row = panel.event(id);
      await row.waitFor({ timeout: LISTED_WITHIN_MS });
      expect(Date.now() - started).toBeLessThanOrEqual(LISTED_WITHIN_MS + 100);
      expect(await panel.cells(row)).toMatchObject({
        connection: alerts.id,
        event: 'message',
        channel: alerts.channel,
        id,
        size: `${'<p>storm warning</p>'.length} B`,
        data: '<p>storm warning</p>',
      });
      await panel.waitForCell(row, 'swapped into', `#sse-element-${alerts.id}`);
      await panel.waitForCell(panel.connection(alerts.id), 'last event id', id);

      // An out-of-band part names its target too.
      const oob = await server.broadcaster.publish(news.channel, {
        data: '<p>calm</p><h1 id="headline" hx-swap-oob="true">Calm seas</h1>',
      });
      await panel.waitForCell(panel.event(oob.id), 'swapped into', `#sse-element-${news.id} #headline`);
      await watched.page.locator('h1#headline', { hasText: 'Calm seas' }).waitFor();
      expect(watched.problems).toEqual([]);
    });

    it('runs under a strict nonce-based CSP, whose lack of worker-src puts the shared stream in a leader tab', async () => {
      const [news, alerts] = twoElements(`${dialect}-csp`);
      const nonce = `n0nce${dialect}`;
      const url = server.addPage({ dialect, nonce, elements: [news, alerts], inspector: { open: true } });
      const { watched, panel } = await open(url);
      for (const element of [news, alerts]) {
        await panel.waitForCell(panel.connection(element.id), 'state', 'connected');
        await panel.waitForCell(panel.connection(element.id), 'stream', 'shared (leader tab)');
      }
      const { id } = await server.broadcaster.publish(news.channel, { data: '<p>relayed</p>' });
      await panel.waitForCell(panel.event(id), 'channel', news.channel, LISTED_WITHIN_MS);
      // The stylesheet loaded under the nonce: the panel is fixed to a corner.
      expect(await panel.root.evaluate((element) => getComputedStyle(element).position)).toBe('fixed');
      // Chromium reports the refused worker (the fallback's cause); nothing of the inspector's was refused.
      expect(watched.problems.filter(({ text }) => !text.startsWith('Creating a worker'))).toEqual([]);
    });

    it("shows a gap and the server's close on an element's own stream", async () => {
      const element: InspectedElement = { id: `ledger-${dialect}`, channel: `ledger-${dialect}`, sharedStream: false };
      element.lastEventId = await server.broadcaster.cursor();
      for (let n = 0; n <= HISTORY_SIZE; n += 1)
        await server.broadcaster.publish(element.channel, { data: `<p>entry ${n}</p>` });
      const url = server.addPage({ dialect, elements: [element], inspector: { open: true } });
      const { panel } = await open(url);

      await panel.waitForCell(panel.connection(element.id), 'stream', 'own');
      const gap = panel.rowsOfKind('gap');
      await gap.waitFor();
      const cells = await panel.cells(gap);
      expect(cells).toMatchObject({ connection: element.id, event: 'sse:gap', channel: element.channel });
      expect(cells.data).toContain(`history no longer covers ${element.lastEventId}`);

      await panel.waitForCell(panel.connection(element.id), 'state', 'connected');
      server.broadcaster.closeChannel(element.channel, { reason: 'ledger closed' });
      const close = panel.rowsOfKind('close');
      await close.waitFor();
      // The stream had that one channel: the server closed all of it (its close names no channel).
      expect(await panel.cells(close)).toMatchObject({
        event: 'sse:close',
        channel: '',
        data: 'server closed the stream: ledger closed; no reconnect',
      });
      await panel.waitForCell(panel.rowsOfKind('state'), 'event', 'closed');
      await panel.waitForCell(panel.connection(element.id), 'state', 'closed');
    });

    it('shows a published <img onerror> event name, data and close reason as text, and runs none of them', async () => {
      const payload = (flag: string): string => `<img src=x onerror=window.${flag}=1>`;
      const name = payload('__fromName');
      // htmx 2 relays only the events an element listens to; nothing is swapped in (`none`).
      const element: InspectedElement = {
        id: `xss-${dialect}`,
        channel: `xss-${dialect}`,
        swap: 'none',
        swapEvents: dialect === 'htmx2' ? ['message', name] : undefined,
      };
      const url = server.addPage({ dialect, elements: [element], inspector: { open: true } });
      const { watched, panel } = await open(url);
      await panel.waitForCell(panel.connection(element.id), 'state', 'connected');

      const named = await server.broadcaster.publish(element.channel, { event: name, data: payload('__fromData') });
      const unnamed = await server.broadcaster.publish(element.channel, { data: payload('__fromMessage') });
      server.broadcaster.closeChannel(element.channel, { reason: payload('__fromReason') });
      for (const row of [panel.event(named.id), panel.event(unnamed.id), panel.rowsOfKind('close')])
        await row.waitFor();

      // The page has no CSP: the same markup parsed as HTML runs its handler. Once that has run,
      // any image the panel had made from an event would have failed (and run its handler) too.
      await watched.page.evaluate(`new Promise((resolve) => {
        const probe = document.createElement('div');
        probe.innerHTML = ${JSON.stringify(payload('__fromProbe'))};
        probe.firstChild.addEventListener('error', () => setTimeout(resolve, 0));
        document.body.append(probe);
      })`);
      expect(
        await watched.page.evaluate(
          `[window.__fromProbe, window.__fromName, window.__fromData, window.__fromMessage, window.__fromReason]`,
        ),
      ).toEqual([1, undefined, undefined, undefined, undefined]);
      expect(await panel.root.locator('img').count()).toBe(0);
      // ... and the panel shows each string as it came.
      expect(await panel.cells(panel.event(named.id))).toMatchObject({ event: name, data: payload('__fromData') });
      expect(await panel.cells(panel.event(unnamed.id))).toMatchObject({ data: payload('__fromMessage') });
      expect(await panel.cells(panel.rowsOfKind('close'))).toMatchObject({
        data: `server closed the stream: ${payload('__fromReason')}; no reconnect`,
      });
    });
  });

  it('is absent in production unless forced', async () => {
    const element: InspectedElement = { id: 'production', channel: 'production' };
    const plain = server.addPage({ dialect: 'htmx2', elements: [element], inspector: { open: true } });
    const forced = server.addPage({ dialect: 'htmx2', elements: [element], inspector: { open: true, force: true } });
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const { watched, panel } = await open(plain);
      const requested: string[] = [];
      watched.page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await watched.page.reload();
      await watched.waitForState(element.id, (state) => state.state === 'connected');
      expect(await panel.root.count()).toBe(0);
      expect(await watched.page.locator('.sse-inspector').count()).toBe(0);
      expect(requested.filter((path) => path.includes('inspector'))).toEqual([]);

      const { panel: forcedPanel } = await open(forced);
      await forcedPanel.waitForCell(forcedPanel.connection(element.id), 'state', 'connected');
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('takes the README screenshot', async () => {
    const prices: InspectedElement = { id: 'prices', channel: 'prices' };
    const orders: InspectedElement = { id: 'orders', channel: 'orders' };
    const audit: InspectedElement = { id: 'audit', channel: 'audit', sharedStream: false };
    audit.lastEventId = await server.broadcaster.cursor();
    for (let n = 0; n <= HISTORY_SIZE; n += 1) await server.broadcaster.publish(audit.channel, { data: `<p>${n}</p>` });
    const url = server.addPage({ dialect: 'htmx2', elements: [prices, orders, audit], inspector: { open: true } });
    const { watched, panel } = await open(url);
    for (const element of [prices, orders, audit])
      await panel.waitForCell(panel.connection(element.id), 'state', 'connected');
    await server.broadcaster.publish(prices.channel, { data: '<p>EUR/USD 1.0842</p>' });
    await server.broadcaster.publish(orders.channel, {
      data: '<p>order #1182 shipped</p><h1 id="headline" hx-swap-oob="true">1,182 orders</h1>',
    });
    const last = await server.broadcaster.publish(prices.channel, { data: '<p>EUR/USD 1.0845</p>' });
    server.broadcaster.closeChannel(audit.channel, { reason: 'audit finished' });
    await panel.waitForCell(panel.event(last.id), 'swapped into', '#sse-element-prices');
    await panel.waitForCell(panel.connection(audit.id), 'state', 'closed');
    await watched.page.screenshot({ path: SCREENSHOT_PATH });
    expect((await stat(SCREENSHOT_PATH)).size).toBeGreaterThan(10_000);
  });
});
