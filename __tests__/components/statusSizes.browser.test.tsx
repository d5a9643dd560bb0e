/**
 * `<ConnectionStatus textSize>` in Chromium with the served stylesheet: the text takes its own size
 * while the dot keeps the one of `size`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ConnectionStatus } from '../../components/ConnectionStatus';
import { launchChromium } from '../lib/browser/support/chromium';

const STYLESHEET = readFileSync(join(__dirname, '../../lib/browser/sse-status.css'), 'utf8');

describe('status indicator sizes in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('gives the text the size of textSize and the dot the size of size', async () => {
    const page = await browser.newPage();
    try {
      const indicators = [
        <ConnectionStatus connectionId="plain" size="xs" state="connected" />,
        <ConnectionStatus connectionId="large-text" size="xs" textSize="lg" state="connected" />,
      ].join('');
      await page.setContent(
        `<!doctype html><html><head><style>${STYLESHEET}</style></head><body>${indicators}</body></html>`,
      );
      // Page code as a string: this project compiles without the DOM library.
      const measured = await page.evaluate<Record<string, [string, string]>>(`Object.fromEntries(
        Array.from(document.querySelectorAll('.sse-status'), (status) => {
          const shown = status.querySelector('.sse-status__state:not([hidden])');
          return [status.id, [
            getComputedStyle(shown.querySelector('.sse-status__text')).fontSize,
            getComputedStyle(shown.querySelector('.sse-status__dot')).width,
          ]];
        }),
      )`);
      expect(measured).toEqual({ 'sse-status-plain': ['12px', '6px'], 'sse-status-large-text': ['18px', '6px'] });
    } finally {
      await page.close();
    }
  });
});
