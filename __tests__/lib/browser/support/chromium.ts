import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, type ConsoleMessage, chromium, type Page } from 'playwright-core';
import type { MonitorStateDetail } from '../../../../lib/protocol/monitorContract';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * How long Chromium gets to start: generous for a loaded 2-core machine. Past it, Playwright's
 * error carries the browser's own output (its call log), which says why.
 */
export const CHROMIUM_LAUNCH_TIMEOUT_MS = 30_000;

/** How long a suite waits for a page load (`page.goto`) at most: Playwright's default, named so hooks can add it up. */
export const PAGE_LOAD_TIMEOUT_MS = 30_000;

/** Launches the system Chromium; a missing binary fails the suite (it never skips). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install the Debian chromium package (scripts/ensure-system-deps.js does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: CHROMIUM_LAUNCH_TIMEOUT_MS });
}

/** One monitor state change as the page saw it, with the page's clock. */
export interface RecordedState extends MonitorStateDetail {
  /** `performance.now()` in the page when the event fired. */
  at: number;
}

/** A console error or uncaught exception of the page. */
export interface PageProblem {
  text: string;
  url: string;
}

/**
 * A page whose monitor state events and console errors are recorded from before its first script
 * runs (an init script, which a page CSP does not block), with awaitable conditions instead of sleeps.
 */
export class WatchedPage {
  readonly states: RecordedState[] = [];
  readonly problems: PageProblem[] = [];
  /** Requests the browser reports as failed (refused, aborted by the page, …), as `url: error`. */
  readonly failedRequests: string[] = [];
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(readonly page: Page) {}

  /** Opens a new page in `browser` (a context of its own) or in `context` (a tab beside others), recording before navigation. */
  static async open(browser: Browser | BrowserContext): Promise<WatchedPage> {
    const page = await browser.newPage();
    const watched = new WatchedPage(page);
    await page.exposeBinding('__recordMonitorState', (_source, detail: RecordedState) => watched.#push(detail));
    await page.addInitScript(`document.addEventListener('sse-monitor:state', (event) => {
      window.__recordMonitorState(Object.assign({ at: performance.now() }, event.detail));
    }, true);`);
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') watched.problems.push({ text: message.text(), url: message.location().url });
    });
    page.on('pageerror', (error) => watched.problems.push({ text: `uncaught: ${error.message}`, url: '' }));
    page.on('requestfailed', (request) =>
      watched.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    return watched;
  }

  /** States of one connection, in order. */
  statesOf(connectionId: string): RecordedState[] {
    return this.states.filter((state) => state.connectionId === connectionId);
  }

  /** Resolves once a recorded state of `connectionId` satisfies `predicate` (counting from `from`). */
  waitForState(
    connectionId: string,
    predicate: (state: RecordedState) => boolean,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<RecordedState> {
    const find = (): RecordedState | undefined => this.statesOf(connectionId).slice(from).find(predicate);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const seen = this.statesOf(connectionId)
          .map((state) => `${state.state}#${state.attempt}`)
          .join(' ');
        reject(new Error(`timed out waiting for a state of ${connectionId}; saw: ${seen}`));
      }, timeoutMs);
      const waiter = {
        check: () => find() !== undefined,
        resolve: () => {
          clearTimeout(timer);
          resolve(find() as RecordedState);
        },
      };
      if (waiter.check()) waiter.resolve();
      else this.#waiters.push(waiter);
    });
  }

  /** Emulates the page being hidden or shown (what a tab switch does to `document.visibilityState`). */
  async setHidden(hidden: boolean): Promise<void> {
    await this.page.evaluate(`(() => {
      const hidden = ${hidden};
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event('visibilitychange'));
    })()`);
  }

  /** Text of every `.item` inside an element, in order. */
  items(selector: string): Promise<string[]> {
    return this.page.locator(`${selector} .item`).allTextContents();
  }

  /** Closes the page. */
  close(): Promise<void> {
    return this.page.close();
  }

  #push(state: RecordedState): void {
    this.states.push(state);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }
}
