import type { Browser, BrowserContext } from 'playwright-core';
import { BoardStore } from '../../demo/board/boardStore';
import type { Dialect } from '../../demo/dashboardFeed';
import { type DemoServer, startDemoServer } from '../../demo/startDemoServer';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, launchChromium } from '../lib/browser/support/chromium';
import { newDemoBrowser, openDemoTab, PRESENCE_WAIT, signIn, waitForNames, waitForStreamState } from './presencePages';

/** Signing out must reach every tab of the browser within this long (issue 23). */
const SIGNED_OUT_WITHIN_MS = 2000;

describe('signing out of the demo, in Chromium, on the shared stream', () => {
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

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    const url = (): string => `${running.url}/?dialect=${dialect}`;

    it('puts every tab of the browser in the signed-out state within 2 s, and leaves another browser connected', async () => {
      const adaBrowser = await newProfile();
      const a1 = await openDemoTab(adaBrowser, url());
      await signIn(a1.page, `Ada (${dialect})`);
      const a2 = await openDemoTab(adaBrowser, url());
      const bobBrowser = await newProfile();
      const bob = await openDemoTab(bobBrowser, url());
      await signIn(bob.page, `Bob (${dialect})`);
      for (const { page } of [a1, a2, bob]) await waitForNames(page, [`Ada (${dialect})`, `Bob (${dialect})`]);

      const start = Date.now();
      await a2.page.click('#signout');
      await Promise.all(
        [a1, a2].flatMap(({ page }) =>
          ['dashboard', 'here'].map((connectionId) => waitForStreamState(page, connectionId, 'unauthorized')),
        ),
      );
      expect(Date.now() - start).toBeLessThanOrEqual(SIGNED_OUT_WITHIN_MS);
      for (const { page } of [a1, a2]) {
        await page.locator('.signed-out').waitFor({ state: 'visible', ...PRESENCE_WAIT });
        expect(await page.locator('.who-me').isVisible()).toBe(false);
      }
      await waitForNames(bob.page, [`Bob (${dialect})`]);
      expect(await bob.page.getAttribute('#sse-status-here', 'data-sse-state')).toBe('connected');

      // The link signs in again: the page comes back signed out, with the form.
      await Promise.all([a1.page.waitForNavigation(PRESENCE_WAIT), a1.page.click('#sign-in-again')]);
      await a1.page.locator('#signin-form').waitFor({ state: 'visible', ...PRESENCE_WAIT });
      await waitForStreamState(a1.page, 'here', 'connected');
      for (const { page, problems } of [a1, a2, bob]) {
        expect(await page.evaluate('window.__violations')).toEqual([]);
        expect(problems).toEqual([]);
      }
    });
  });
});
