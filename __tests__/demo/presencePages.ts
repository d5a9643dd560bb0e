import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { NAME_COOKIE, VISITOR_COOKIE } from '../../demo/presence/visitor';
import { PAGE_LOAD_TIMEOUT_MS } from '../lib/browser/support/chromium';
import { RECORD_STATES, waitForExpression } from './watchedPage';

/** How long a tab waits for a state or a list at most: presence is told within a second, a loaded machine is slower. */
export const PRESENCE_WAIT = { timeout: 10_000 };

/** A tab of the demo, with what went wrong in it. */
export interface DemoTab {
  page: Page;
  /** Console errors and uncaught exceptions. */
  problems: string[];
}

/** A browser profile (its tabs share cookies and the one stream) that records every tab's monitor states and CSP violations. */
export async function newDemoBrowser(browser: { newContext(): Promise<BrowserContext> }): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(RECORD_STATES);
  return context;
}

/** Signs a browser profile in as `name` on the site at `url` without its form: the cookies the form would leave. */
export async function addSignedInCookies(context: BrowserContext, url: string, name: string): Promise<void> {
  await context.addCookies([
    { name: VISITOR_COOKIE, value: randomBytes(16).toString('hex'), url },
    { name: NAME_COOKIE, value: Buffer.from(name).toString('base64url'), url },
  ]);
}

/** Waits until `page`'s stream of `connectionId` (`dashboard`, `here`) shows `state`. */
export async function waitForStreamState(page: Page, connectionId: string, state: string): Promise<void> {
  await page.waitForSelector(`#sse-status-${connectionId}[data-sse-state="${state}"]`, PRESENCE_WAIT);
}

/** Opens a tab of `context` at `url` (after `prepare`, e.g. a route) and waits until its "Who is here" stream is connected. */
export async function openDemoTab(
  context: BrowserContext,
  url: string,
  prepare?: (page: Page) => Promise<unknown>,
): Promise<DemoTab> {
  const page = await context.newPage();
  await prepare?.(page);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(url, { timeout: PAGE_LOAD_TIMEOUT_MS });
  await waitForStreamState(page, 'here', 'connected');
  return { page, problems };
}

/** Signs in with the tab's form (the page reloads) and waits until its stream is back, as that user. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.fill('#signin-name', name);
  await Promise.all([page.waitForNavigation(PRESENCE_WAIT), page.click('#signin-form button[type="submit"]')]);
  await page.locator('.who-name').waitFor(PRESENCE_WAIT);
  await waitForStreamState(page, 'here', 'connected');
}

/** The names the tab's "Who is here" list shows now, in order. */
export function namesIn(page: Page): Promise<string[]> {
  return page.locator('.people li[data-sse-member]').allTextContents();
}

/**
 * Waits until the tab's list shows exactly `names` and its count `names.length`; fails with what it
 * shows. In any order with `anyOrder` (members on several processes are listed each process's own first).
 */
export async function waitForNames(page: Page, names: readonly string[], { anyOrder = false } = {}): Promise<void> {
  const expected = JSON.stringify(anyOrder ? [...names].sort() : names);
  const shown = `[...document.querySelectorAll('.people li[data-sse-member]')].map((item) => item.textContent)${anyOrder ? '.sort()' : ''}`;
  await waitForExpression(
    page,
    `JSON.stringify(${shown}) === ${JSON.stringify(expected)} &&
     document.querySelector('.sse-presence-count')?.textContent === '${names.length}'`,
    PRESENCE_WAIT.timeout,
  ).catch(async (error: Error) => {
    const count = await page.textContent('.sse-presence-count');
    throw new Error(`${error.message}\nthe list shows ${JSON.stringify(await namesIn(page))}, the count ${count}`);
  });
}
