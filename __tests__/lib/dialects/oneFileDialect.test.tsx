import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import express from 'express';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { ConnectionMonitor } from '../../../components/ConnectionMonitor';
import { SseElement } from '../../../components/SseElement';
import { SseHead } from '../../../components/SseHead';
import { type Broadcaster, createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { dialectNames, registerDialect } from '../../../lib/dialects/dialectRegistry';
import type { Dialect } from '../../../lib/protocol/monitorContract';
import { sseMiddleware } from '../../../middleware/sseMiddleware';
import { launchChromium, WatchedPage } from '../browser/support/chromium';
import { plainDialect } from './plainDialect';

const root = join(__dirname, '..', '..', '..');
/** The test dialect's name, typed as a component prop (the `Dialect` union names the shipped ones). */
const PLAIN = 'plain' as Dialect;

/** The monitor runtime bundled with the test dialect registered, as the dialect's one script. */
function buildPlainMonitor(): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'plain-dialect-')), 'plain-monitor.js');
  buildSync({
    entryPoints: [join(__dirname, 'plainMonitor.ts')],
    outfile,
    tsconfig: join(root, 'lib', 'browser', 'tsconfig.json'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    logLevel: 'warning',
  });
  return outfile;
}

function Page(): JSX.Element {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>plain dialect</title>
        <SseHead dialect={PLAIN} monitor={false} sharedStream={false} />
      </head>
      <body>
        <ConnectionMonitor connectionId="plain-1" config={{ heartbeatTimeoutMs: 0 }} />
        <SseElement dialect={PLAIN} connectionId="plain-1" channel="news" closeEvent="done">
          waiting
        </SseElement>
      </body>
    </html>
  );
}

describe('a dialect added in one file (the test dialect "plain", registered, no htmx)', () => {
  let broadcaster: Broadcaster<undefined>;
  let app: express.Express;

  beforeAll(() => {
    registerDialect({ ...plainDialect, assets: [{ file: 'plain-monitor.js', source: buildPlainMonitor() }] });
    broadcaster = createBroadcaster<undefined>();
    app = express();
    app.get('/favicon.ico', (_req, res) => void res.status(204).end());
    app.use(sseMiddleware({ broadcaster }));
    app.get('/', async (_req, res) => void res.type('html').send(`<!doctype html>${await (<Page />)}`));
  });

  afterAll(() => broadcaster.close());

  it('is a registered dialect beside the shipped ones, and a second registration is refused', () => {
    expect(dialectNames()).toEqual(['htmx2', 'htmx4', 'plain']);
    expect(() => registerDialect(plainDialect)).toThrow(new TypeError('dialect "plain" is registered already'));
  });

  it("renders the dialect's attributes and loads its script instead of htmx's", async () => {
    const html = await (<Page />);
    expect(html).toContain('data-plain-connect="/sse/news"');
    expect(html).toContain('data-plain-close="done"');
    expect(html).toContain('<script src="/sse/_assets/plain-monitor.js"></script>');
    expect(html).not.toMatch(/htmx|sse-connect=|hx-sse/);
    expect(() => <SseElement dialect={PLAIN} connectionId="x" channel="news" swapEvents={['update']} />).toThrow(
      'the plain dialect swaps only unnamed events',
    );
    // Its attributes are the component's own: an extra attribute may not set them.
    expect(() => (
      <SseElement connectionId="x" channel="news" attributes={{ 'data-plain-connect': '/elsewhere' }} />
    )).toThrow('attribute "data-plain-connect" is set by the component; use its prop');
  });

  it("serves the dialect's script from the asset routes", async () => {
    const answer = await request(app).get('/sse/_assets/plain-monitor.js').expect(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.text).toContain('data-plain-connect');
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let server: Server;
    let page: WatchedPage;

    beforeAll(async () => {
      browser = await launchChromium();
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
    });

    afterAll(async () => {
      await page?.close();
      await browser?.close();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('is supervised by the monitor: connected, swaps an event, and ends in closed on its close event', async () => {
      page = await WatchedPage.open(browser);
      await page.page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForState('plain-1', (state) => state.state === 'connected');
      const element = page.page.locator('#sse-element-plain-1');

      await broadcaster.publish('news', { data: 'first <img src=x onerror="window.hit = 1">' });
      await page.page.waitForFunction(`document.querySelector('#sse-element-plain-1').textContent.startsWith('first')`);
      expect(await element.textContent()).toBe('first <img src=x onerror="window.hit = 1">');

      await broadcaster.publish('news', { event: 'done', data: '' });
      await page.waitForState('plain-1', (state) => state.state === 'closed');
      expect(await page.page.locator('#sse-status-plain-1').getAttribute('data-sse-state')).toBe('closed');
      expect(await page.page.evaluate('window.sseMonitor.stateOf("plain-1")')).toBe('closed');
      expect(page.problems).toEqual([]);
    });
  });
});
