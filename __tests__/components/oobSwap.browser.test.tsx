import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { JobProgress, JobStatus } from '../../components/JobElements';
import { OobStreamBuilder } from '../../lib/pipeline/oobStreamBuilder';
import { launchChromium } from '../lib/browser/support/chromium';
import { startTestServer, type TestServer } from '../support/testServer';

const MODULES = join(__dirname, '../../node_modules');
const SCRIPTS = {
  htmx2: [join(MODULES, 'htmx.org/dist/htmx.min.js'), join(MODULES, 'htmx-ext-sse/dist/sse.js')],
  htmx4: [join(MODULES, 'htmx4/dist/htmx.min.js'), join(MODULES, 'htmx4/dist/ext/hx-sse.js')],
} as const;
type Dialect = keyof typeof SCRIPTS;

const HOSTILE: string = '<img src=x onerror="window.pwned=1">';

/** The connect attributes of an element on `channel` that swaps unnamed messages in. */
function connect(dialect: Dialect, channel: string): string {
  return dialect === 'htmx2'
    ? `hx-ext="sse" sse-connect="/sse/${channel}" sse-swap="message"`
    : `hx-sse:connect="/sse/${channel}"`;
}

/**
 * The page: targets inside an element connected to job-1 that swaps nothing itself, and an element
 * on feed-1 whose messages' own content goes into it (innerHTML), beside a target out of it.
 */
function page(dialect: Dialect): string {
  return `<!doctype html><html><head><script src="/assets/${dialect}/0.js"></script><script src="/assets/${dialect}/1.js"></script></head><body>
<div id="conn" ${connect(dialect, 'job-1')} hx-swap="none">
  <div id="progress-box">old</div>
  <ul id="log"><li>first</li></ul>
  ${JobProgress({ jobId: '1', value: 0 })}
  ${JobStatus({ jobId: '1', status: 'queued' })}
</div>
<div id="feed" ${connect(dialect, 'feed-1')}>waiting</div>
<p id="side" class="side">old side</p>
</body></html>`;
}

describe('one OOB payload in a real browser', () => {
  let server: TestServer<undefined>;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ keepAlive: { intervalMs: 0 } }, {}, (app) => {
      app.get('/favicon.ico', (_req, res) => void res.status(204).end());
      app.get('/page/:dialect', (req, res) => void res.type('html').send(page(req.params.dialect as Dialect)));
      app.get(
        '/assets/:dialect/:index.js',
        (req, res) => void res.sendFile(SCRIPTS[req.params.dialect as Dialect][Number(req.params.index)]),
      );
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Resolves once `count` streams have connected. */
  function streamsOpened(count: number): Promise<void> {
    return new Promise((resolve) => {
      let opened = 0;
      const onConnect = (): void => {
        opened += 1;
        if (opened < count) return;
        server.broadcaster.off('connect', onConnect);
        resolve();
      };
      server.broadcaster.on('connect', onConnect);
    });
  }

  it.each(['htmx2', 'htmx4'] as const)(
    "swaps a message's own content (oob: false) into its element and an unwrapped target's innerHTML under %s",
    async (dialect) => {
      const tab = await browser.newPage();
      try {
        const connected = streamsOpened(2);
        await tab.goto(`${server.url}/page/${dialect}`);
        await connected;
        const payload = new OobStreamBuilder()
          .add(<p class="main">main</p>, { oob: false })
          .add(<em>side</em>, { target: 'side', wrap: false })
          .build();
        await server.broadcaster.publish('feed-1', { data: payload });
        await tab.waitForFunction(`document.querySelector('#feed .main') !== null`, undefined, { timeout: 15_000 });
        const dom = await tab.evaluate<Record<string, unknown>>(`({
        feed: document.querySelector('#feed').innerHTML,
        side: document.querySelector('#side')?.outerHTML,
      })`);
        expect(dom).toEqual({ feed: '<p class="main">main</p>', side: '<p id="side" class="side">side</p>' });
      } finally {
        await tab.close();
      }
    },
  );

  it.each(['htmx2', 'htmx4'] as const)(
    'applies every target of the message under %s, escaped, without blanking the connected element',
    async (dialect) => {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('pageerror', (error) => problems.push(error.message));
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      try {
        const connected = streamsOpened(2);
        await tab.goto(`${server.url}/page/${dialect}`);
        await connected;
        const payload = new OobStreamBuilder()
          .add(<b>42%</b>, { target: 'progress-box' })
          .add(<li safe>{HOSTILE}</li>, { target: 'log', swap: 'beforeend' })
          .add(<JobProgress jobId="1" value={42} oob />)
          .add(<JobStatus jobId="1" status="running" message={HOSTILE} />)
          .build();
        await server.broadcaster.publish('job-1', { data: payload });
        // Page code as strings: this project compiles without the DOM library.
        await tab.waitForFunction(
          `document.querySelector('#job-status-1')?.getAttribute('data-status') === 'running'`,
          undefined,
          { timeout: 15_000 },
        );
        const dom = await tab.evaluate<Record<string, unknown>>(`({
        progressBox: document.querySelector('#progress-box')?.innerHTML,
        log: Array.from(document.querySelectorAll('#log li'), (item) => item.textContent),
        valueNow: document.querySelector('#job-progress-1')?.getAttribute('aria-valuenow'),
        role: document.querySelector('#job-progress-1')?.getAttribute('role'),
        status: document.querySelector('#job-status-1 .job-status-text')?.textContent,
        stillConnected: document.querySelector('#conn #progress-box') !== null,
        leftoverOob: document.querySelectorAll('[hx-swap-oob]').length,
        images: document.querySelectorAll('img').length,
        pwned: window.pwned,
      })`);
        expect(dom).toEqual({
          progressBox: '<b>42%</b>',
          log: ['first', HOSTILE],
          valueNow: '42',
          role: 'progressbar',
          status: HOSTILE,
          stillConnected: true,
          leftoverOob: 0,
          images: 0,
          pwned: undefined,
        });
        expect(problems).toEqual([]);
      } finally {
        await tab.close();
      }
    },
  );
});
