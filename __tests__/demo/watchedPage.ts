import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Something that went wrong in a page: a console error, an uncaught exception or a failed request. */
export interface PageProblem {
  kind: 'console' | 'pageerror' | 'requestfailed';
  text: string;
  /** Whether it happened while an outage was announced with {@link OutageWindow}. */
  duringOutage: boolean;
  /** What the test was doing (see {@link OutageWindow.phase}). */
  phase: string;
}

/** Marks the time in which a test takes the server down on purpose. */
export class OutageWindow {
  active = false;
  /** What the test is doing, for the report of a problem. */
  phase = 'start';
}

/** A page in its own browser context (own connection pool), recording its problems. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblem[];
}

/** Opens a page in a fresh context and records console errors, page errors and failed requests. */
export async function openWatchedPage(browser: Browser, outage: OutageWindow): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: PageProblem[] = [];
  const record = (kind: PageProblem['kind'], text: string): void => {
    problems.push({ kind, text, duringOutage: outage.active, phase: outage.phase });
  };
  page.on('console', (message) => {
    if (message.type() === 'error') record('console', `${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => record('pageerror', String(error)));
  page.on('requestfailed', (request) =>
    record('requestfailed', `${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
  );
  return { context, page, problems };
}
