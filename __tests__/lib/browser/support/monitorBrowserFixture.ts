import type { Browser, BrowserContext } from 'playwright-core';
import { buildClientAssets } from './buildClient';
import { launchChromium, WatchedPage } from './chromium';
import { MonitorTestServer } from './monitorTestServer';

/** What a browser suite gets from {@link useMonitorBrowser}. */
export interface MonitorBrowserFixture {
  /** The suite's monitor test server (started in `beforeAll`). */
  readonly server: MonitorTestServer;
  /** A new watched page, closed after the test. */
  newPage(): Promise<WatchedPage>;
  /** A new watched page at `url`, after `prepare` (emulation, bindings) ran on it. */
  open(url: string, prepare?: (page: WatchedPage) => Promise<void>): Promise<WatchedPage>;
  /** A browser profile whose tabs share workers, Web Locks and channels; closed after the test. */
  newProfile(initScript?: string): Promise<BrowserProfile>;
}

/** Tabs of one browser profile (what "one browser" means for a shared stream). */
export interface BrowserProfile {
  /** Opens a watched tab at `url`. */
  openTab(url: string): Promise<WatchedPage>;
}

/**
 * Registers the hooks every monitor browser suite needs: the client assets built, one Chromium
 * and one {@link MonitorTestServer} per suite file, and each test's pages closed after it.
 */
export function useMonitorBrowser(...serverArgs: Parameters<typeof MonitorTestServer.start>): MonitorBrowserFixture {
  let browser: Browser | undefined;
  let server: MonitorTestServer | undefined;
  const pages: WatchedPage[] = [];
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    buildClientAssets();
    browser = await launchChromium();
    server = await MonitorTestServer.start(...serverArgs);
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await server?.close();
    await browser?.close();
  });
  const newPage = async (): Promise<WatchedPage> => {
    if (!browser) throw new Error('useMonitorBrowser: Chromium is not running (beforeAll failed)');
    const page = await WatchedPage.open(browser);
    pages.push(page);
    return page;
  };
  return {
    get server(): MonitorTestServer {
      if (!server) throw new Error('useMonitorBrowser: the test server is not running (beforeAll failed)');
      return server;
    },
    newPage,
    async newProfile(initScript) {
      if (!browser) throw new Error('useMonitorBrowser: Chromium is not running (beforeAll failed)');
      const context = await browser.newContext();
      contexts.push(context);
      if (initScript) await context.addInitScript(initScript);
      return {
        async openTab(url) {
          const tab = await WatchedPage.open(context);
          await tab.page.goto(url);
          return tab;
        },
      };
    },
    async open(url, prepare) {
      const page = await newPage();
      await prepare?.(page);
      await page.page.goto(url);
      return page;
    },
  };
}
