import type { Browser, BrowserContext } from 'playwright-core';
import { BoardStore } from '../../demo/board/boardStore';
import type { Dialect } from '../../demo/dashboardFeed';
import { type DemoServer, startDemoServer } from '../../demo/startDemoServer';
import type { ConnectionInfo } from '../../index';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { CHROMIUM_LAUNCH_TIMEOUT_MS, launchChromium } from '../lib/browser/support/chromium';
import { pollUntil } from '../lib/redis/settleWithin';
import {
  type DemoTab,
  newDemoBrowser,
  openDemoTab,
  PRESENCE_WAIT,
  signIn,
  waitForNames,
  waitForStreamState,
} from './presencePages';

/** Signing out must reach every tab of the browser within this long (issue 23). */
const SIGNED_OUT_WITHIN_MS = 2000;

/** A name that would run script if any page put it into the DOM as markup. */
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

describe('"Who is here" and signing out of the demo, in Chromium, on the shared stream', () => {
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

  /**
   * Waits until the server holds exactly one stream on "Who is here": the browser's one. A stream the
   * browser replaced (its tabs resubscribing after the sign-in's close) is aborted by the browser, and
   * the server learns of that only when the socket's end arrives, which may be after the new stream
   * has told the tabs who is here. Past the bound it fails with the streams still held.
   */
  async function expectOneStreamHere(): Promise<void> {
    const here = (): ConnectionInfo[] => running.demo.broadcaster.connections('who-is-here');
    await pollUntil(async () => (here().length === 1 ? true : undefined), 'one stream on who-is-here', 50).catch(
      (error: Error) => {
        const held = here().map(({ id, metadata, createdAt, eventsSent }) => ({ id, metadata, createdAt, eventsSent }));
        throw new Error(`${error.message}; the server holds ${JSON.stringify(held)}`);
      },
    );
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
      await expectOneStreamHere();

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
