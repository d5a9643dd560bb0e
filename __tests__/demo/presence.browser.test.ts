import type { Browser, BrowserContext } from 'playwright-core';
import { BoardStore } from '../../demo/board/boardStore';
import type { Dialect } from '../../demo/dashboardFeed';
import { type DemoServer, startDemoServer } from '../../demo/startDemoServer';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, launchChromium } from '../lib/browser/support/chromium';
import { type DemoTab, newDemoBrowser, openDemoTab, signIn, waitForNames } from './presencePages';

/** A name that would run script if any page put it into the DOM as markup. */
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

describe('"Who is here" in the demo, in Chromium, on the shared stream', () => {
  let browser: Browser;
  let running: DemoServer;
  const profiles: BrowserContext[] = [];

  beforeAll(async () => {
    buildClientAssets();
    browser = await launchChromium();
    running = await startDemoServer({ board: new BoardStore(), keepAliveMs: 1000, reconnectDelayMs: 200, port: 0 });
  }, CHROMIUM_LAUNCH_TIMEOUT_MS + 30_000);

  afterEach(async () => {
    for (const profile of profiles.splice(0)) await profile.close();
  });

  afterAll(async () => {
    await running?.close({ reconnectAfterMs: 60_000 });
    await browser?.close();
  });

  async function newProfile(): Promise<BrowserContext> {
    const profile = await newDemoBrowser(browser);
    profiles.push(profile);
    return profile;
  }

  /** Asserts that no tab ran the hostile name, showed it as markup, broke its CSP or logged an error. */
  async function expectNothingRan(tabs: DemoTab[]): Promise<void> {
    for (const { page, problems } of tabs) {
      expect(await page.locator('.people img').count()).toBe(0);
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(await page.evaluate('window.__violations')).toEqual([]);
      expect(problems).toEqual([]);
    }
  }

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    const url = (): string => `${running.url}/?dialect=${dialect}`;
    const ada = `Ada (${dialect})`;

    it('lists a user of another browser in every tab when they join and drops them when they leave, a hostile name as text', async () => {
      const adaBrowser = await newProfile();
      const [a1, a2] = [await openDemoTab(adaBrowser, url()), await openDemoTab(adaBrowser, url())];
      await signIn(a1.page, ada);
      // a2 was open before: its stream (the browser's one stream) came back as Ada.
      for (const { page } of [a1, a2]) await waitForNames(page, [ada]);
      expect(running.demo.broadcaster.stats().byChannel['who-is-here']).toBe(1);

      const otherBrowser = await newProfile();
      const other = await openDemoTab(otherBrowser, url());
      await signIn(other.page, HOSTILE);
      for (const { page } of [a1, a2, other]) await waitForNames(page, [ada, HOSTILE]);

      // A tab whose render missed them (its list taken out on the way) is filled from the stream it joins.
      const a3 = await openDemoTab(adaBrowser, url(), (page) =>
        page.route(url(), async (route) => {
          const response = await route.fetch();
          const body = (await response.text()).replace(/(<ul class="people"[^>]*>)[\s\S]*?(<\/ul>)/, '$1$2');
          await route.fulfill({ response, body });
        }),
      );
      await waitForNames(a3.page, [ada, HOSTILE]);
      await expectNothingRan([other]);

      await otherBrowser.close();
      for (const { page } of [a1, a2, a3]) await waitForNames(page, [ada]);
      await expectNothingRan([a1, a2, a3]);
    });
  });
});
