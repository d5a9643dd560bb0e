import type { Browser, BrowserContext, Page } from 'playwright-core';
import { STATE_DOM_EVENT } from '../../lib/protocol/monitorContract';

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

/**
 * Waits until `expression` is true in `page`, checking every 100 ms for at most `timeoutMs`.
 * Playwright's `waitForFunction` compiles its predicate with `eval` inside the page, which the
 * demo's Content Security Policy forbids; `page.evaluate` goes through the debugger instead.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const attempts = Math.ceil(timeoutMs / 100);
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if ((await page.evaluate(expression)) === true) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
}

/**
 * An init script: records every monitor state change of the page as `connectionId:state`, in order
 * (`window.__states`), and every Content Security Policy violation (`window.__violations`).
 */
export const RECORD_STATES = `
  window.__states = [];
  document.addEventListener('${STATE_DOM_EVENT}', (event) => {
    window.__states.push(event.detail.connectionId + ':' + event.detail.state);
  }, true);
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective));
`;
