import type { Dialect } from '../../../components/dialect';
import { useMonitorBrowser } from './support/monitorBrowserFixture';

/** The browser's `getComputedStyle`, typed here because the test program has no DOM lib. */
interface ComputedStyles {
  getComputedStyle(element: unknown): { width: string };
}

describe('components and monitor under a strict nonce-based CSP in Chromium', () => {
  const fixture = useMonitorBrowser();

  it.each<Dialect>(['htmx2', 'htmx4'])(
    '%s: connects, swaps and shows its state with no violation and no unsafe-inline',
    async (dialect) => {
      const channel = `csp-${dialect}`;
      const nonce = `n0nce${dialect}Ab9`;
      const url = fixture.server.addPage({
        dialect,
        nonce,
        connections: [{ id: channel, channel, config: { heartbeatTimeoutMs: 0 } }],
      });
      const page = await fixture.newPage();
      const violations: string[] = [];
      let styleRefused: () => void = () => undefined;
      const refusal = new Promise<void>((resolve) => {
        styleRefused = resolve;
      });
      await page.page.exposeBinding('__recordViolation', (_source, text: string) => {
        violations.push(text);
        if (text.startsWith('style-src')) styleRefused();
      });
      await page.page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
      window.__recordViolation(event.violatedDirective + ' ' + event.blockedURI);
    });`);

      const response = await page.page.goto(url);
      const policy = response?.headers()['content-security-policy'] ?? '';
      expect(policy).toContain(`script-src 'nonce-${nonce}'`);
      expect(policy).toContain(`style-src 'nonce-${nonce}'`);
      expect(policy).not.toContain('unsafe-inline');

      await page.waitForState(channel, (state) => state.state === 'connected');
      await fixture.server.publishItem(channel, 'under csp');
      await page.page.locator(`#sse-element-${channel} .item`).waitFor();
      expect(await page.items(`#sse-element-${channel}`)).toEqual(['under csp']);
      // The stylesheet loaded (its nonce passed): the dot has the size the CSS gives it.
      expect(
        await page.page
          .locator(`#sse-status-${channel} [data-sse-for="connected"] .sse-status__dot`)
          .evaluate((dot) => (globalThis as unknown as ComputedStyles).getComputedStyle(dot).width),
      ).toBe('10px');
      // Below 640px the text is hidden from sight but kept for screen readers.
      const text = page.page.locator(`#sse-status-${channel} [data-sse-for="connected"] .sse-status__text`);
      const width = () =>
        text.evaluate((element) => (globalThis as unknown as ComputedStyles).getComputedStyle(element).width);
      expect(await width()).not.toBe('1px');
      await page.page.setViewportSize({ width: 400, height: 700 });
      expect(await width()).toBe('1px');
      expect(await text.textContent()).toBe('Connected');
      expect(violations).toEqual([]);
      expect(page.problems).toEqual([]);

      // The policy is really enforced: an inline style without the nonce is refused.
      await page.page.evaluate(
        `document.head.append(Object.assign(document.createElement('style'), { textContent: 'body{color:red}' }))`,
      );
      await refusal;
      expect(violations.filter((violation) => violation.startsWith('style-src'))).toHaveLength(1);
    },
  );
});
