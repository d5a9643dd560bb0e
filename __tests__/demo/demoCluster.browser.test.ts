import type { Browser, Page } from 'playwright-core';
import { type DemoCluster, startDemoCluster } from '../../demo/cluster/demoCluster';
import { buildClientAssets } from '../lib/browser/support/buildClient';
import { launchChromium, PAGE_LOAD_TIMEOUT_MS } from '../lib/browser/support/chromium';
import { pollUntil } from '../lib/redis/settleWithin';
import { addSignedInCookies, waitForNames } from './presencePages';
import { OutageWindow, openWatchedPage, RECORD_STATES, type WatchedPage, waitForExpression } from './watchedPage';

const CHANNEL = 'dashboard-htmx2';
/** Who each tab signed in as, one browser and one process each. */
const NAMES = ['Ada', 'Grace', 'Edsger'];
const EVENT_WAIT = { timeout: 10_000 };
/** Lines of the cluster's output a failed start shows. */
const LOG_TAIL_LINES = 60;
/** Loads of one tab before the test gives up spreading it to a process no other tab uses. */
const SPREAD_ATTEMPTS = 6;

/** What a demo process says of itself at `/sse/_stats` (straight, not through the balancer). */
interface ProcessStats {
  connections: number;
  byChannel: Record<string, number>;
  bus: { processId: string };
}

/** A tab through the balancer, and the process that serves its stream, as the servers count it. */
interface Tab {
  watched: WatchedPage;
  page: Page;
  processId: string;
}

async function statsOf(url: string): Promise<ProcessStats> {
  const response = await fetch(`${url}/sse/_stats`, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as ProcessStats;
}

async function addNote(page: Page, text: string): Promise<void> {
  await page.fill('#board-text', text);
  await page.click('#board button[type="submit"]');
}

async function waitForNote(page: Page, text: string): Promise<void> {
  await page.locator('.note-text', { hasText: text }).waitFor(EVENT_WAIT);
}

describe('demo cluster behind nginx, in Chromium (npm run demo:cluster)', () => {
  const outage = new OutageWindow();
  const log: string[] = [];
  let cluster: DemoCluster;
  let browser: Browser;
  const tabs: Tab[] = [];

  /** Every live process's dashboard streams, by process id, counted by each process itself. */
  async function dashboardStreams(): Promise<Map<string, number>> {
    const live = cluster.processes.filter((demo) => !demo.child.ended);
    const stats = await Promise.all(live.map((demo) => statsOf(demo.url)));
    return new Map(stats.map((stat) => [stat.bus.processId, stat.byChannel[CHANNEL] ?? 0]));
  }

  /** Waits until the live processes hold `total` dashboard streams between them; resolves their counts. */
  function streamsTotalling(total: number): Promise<Map<string, number>> {
    return pollUntil(async () => {
      const counts = await dashboardStreams();
      return [...counts.values()].reduce((sum, count) => sum + count, 0) === total ? counts : undefined;
    }, `the processes holding ${total} dashboard streams`);
  }

  /**
   * Opens a tab through the balancer whose stream lands on a process no other tab uses, signed in
   * as `name`. Round robin decides where each request goes: a tab that lands on a used process is
   * closed, one request moves the balancer's turn on, and the tab is opened again (a bounded number of times).
   */
  async function openTabOnNewProcess(name: string): Promise<Tab> {
    const used = new Set(tabs.map((tab) => tab.processId));
    for (let attempt = 1; attempt <= SPREAD_ATTEMPTS; attempt += 1) {
      const before = await streamsTotalling(tabs.length);
      const watched = await openWatchedPage(browser, outage);
      await addSignedInCookies(watched.context, cluster.url, name);
      await watched.page.addInitScript(RECORD_STATES);
      await watched.page.goto(`${cluster.url}/`, { timeout: PAGE_LOAD_TIMEOUT_MS });
      await watched.page.waitForSelector('#sse-status-dashboard[data-sse-state="connected"]', EVENT_WAIT);
      const after = await streamsTotalling(tabs.length + 1);
      const processId = [...after].find(([id, count]) => count > (before.get(id) ?? 0))?.[0];
      if (processId === undefined) throw new Error('no process counts the new tab');
      if (!used.has(processId)) return { watched, page: watched.page, processId };
      await watched.context.close();
      await fetch(`${cluster.url}/dashboard.css`);
    }
    throw new Error(`no tab landed on a process of its own in ${SPREAD_ATTEMPTS} loads`);
  }

  /** Fails as `work` does, with the tail of every child's output (Redis, the demo processes, nginx) added. */
  async function showingClusterLog<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw new Error(`${String(error)}\n--- the cluster's last output ---\n${log.slice(-LOG_TAIL_LINES).join('\n')}`);
    }
  }

  // Longer than its bounds: Redis (30 s to start, 30 s to prove it ours), the demo processes
  // (30 s), then nginx (30 s); Chromium starts beside them.
  beforeAll(async () => {
    buildClientAssets();
    // Both settle before the hook ends, so that afterAll stops whichever started when the other failed.
    const [started, launched] = await Promise.allSettled([
      showingClusterLog(startDemoCluster({ port: 0, log: (line) => log.push(line) })),
      launchChromium(),
    ]);
    if (started.status === 'fulfilled') cluster = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const result of [started, launched]) if (result.status === 'rejected') throw result.reason;
  }, 150_000);

  // Each tab: a page load, its connection and its stream counted before and after (10 s each), usually at the first try.
  beforeAll(
    async () => {
      for (const name of NAMES) tabs.push(await showingClusterLog(openTabOnNewProcess(name)));
    },
    3 * (PAGE_LOAD_TIMEOUT_MS + 3 * EVENT_WAIT.timeout),
  );

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await cluster?.stop();
    }
  });

  it('spreads the three tabs over the three processes, as each process counts its streams', async () => {
    expect(new Set(tabs.map((tab) => tab.processId)).size).toBe(3);
    const counts = await dashboardStreams();
    expect([...counts.values()]).toEqual([1, 1, 1]);
    expect(new Set(counts.keys())).toEqual(new Set(tabs.map((tab) => tab.processId)));
  });

  it('lists the three signed-in tabs, each served by a process of its own, in every tab ("Who is here")', async () => {
    for (const tab of tabs) await waitForNames(tab.page, NAMES, { anyOrder: true });
  });

  it('counts every process in the connections panel of each tab, and names the process serving it', async () => {
    for (const tab of tabs) {
      await waitForExpression(
        tab.page,
        `document.querySelector('#connections-panel')?.getAttribute('data-process') === ${JSON.stringify(tab.processId)}`,
      );
      await waitForExpression(
        tab.page,
        `document.querySelector('#connections-panel')?.getAttribute('data-processes') === '3' &&
         document.querySelector('[data-channel="${CHANNEL}"] .number')?.textContent === '3'`,
      );
    }
  });

  it('shows a note added in one tab in the others, and a change made in another', async () => {
    const [a, b, c] = tabs;
    await addNote(a.page, 'Hello from the first process');
    for (const tab of [b, c]) await waitForNote(tab.page, 'Hello from the first process');
    await c.page.click('.note[data-done="false"] .note-toggle');
    for (const tab of [a, b]) await tab.page.waitForSelector('.note[data-done="true"]', EVENT_WAIT);
  });

  it('runs a job started in one tab to the end in every tab, and ends its stream in each', async () => {
    const [a, b, c] = tabs;
    await a.page.fill('#jobs input[name="name"]', 'Cluster report');
    await a.page.fill('#jobs input[name="duration"]', '1.5');
    await a.page.click('#jobs button[type="submit"]');
    const jobId = await b.page.locator('.job', { hasText: 'Cluster report' }).getAttribute('data-job', EVENT_WAIT);
    expect(jobId).toMatch(/^[0-9a-f]{8}$/);
    for (const tab of [a, b, c]) {
      await tab.page.waitForSelector(`#job-status-${jobId}[data-status="completed"]`, EVENT_WAIT);
      expect(await tab.page.getAttribute(`#job-progress-${jobId}`, 'aria-valuenow')).toBe('100');
      // Whichever process serves the tab closes the job's stream (or the row no longer has one).
      await waitForExpression(
        tab.page,
        `(() => {
          const status = document.getElementById('sse-status-job-${jobId}');
          return !status || status.getAttribute('data-sse-state') === 'closed';
        })()`,
      );
    }
  });

  it('moves a tab whose process is killed to another process through the balancer, missing nothing', async () => {
    const [a, b, victim] = tabs;
    const killed = (await Promise.all(cluster.processes.map((demo) => statsOf(demo.url)))).findIndex(
      (stats) => stats.bus.processId === victim.processId,
    );
    expect(killed).toBeGreaterThanOrEqual(0);
    outage.active = true;
    await cluster.crash(killed);
    // Published while the victim's stream is down (its process is gone), from a tab on another process.
    const meanwhile = ['While it was down: one', 'While it was down: two', 'While it was down: three'];
    for (const text of meanwhile) {
      await addNote(a.page, text);
      await waitForNote(a.page, text);
    }
    // The tab's stream comes back through the balancer on a process that is alive: the page's
    // panel is pushed by the process serving its stream, and that process counts it.
    await waitForExpression(
      victim.page,
      `(() => {
        const served = document.querySelector('#connections-panel')?.getAttribute('data-process');
        return typeof served === 'string' && served !== ${JSON.stringify(victim.processId)};
      })()`,
      15_000,
    );
    const servedBy = (await victim.page.getAttribute('#connections-panel', 'data-process')) as string;
    const counts = await streamsTotalling(3);
    expect(counts.has(victim.processId)).toBe(false);
    expect(counts.get(servedBy)).toBeGreaterThanOrEqual(1);
    expect(await victim.page.getAttribute('#sse-status-dashboard', 'data-sse-state')).toBe('connected');
    outage.active = false;
    for (const text of meanwhile) await waitForNote(victim.page, text);
    const notes = await victim.page.locator('.note-text').allTextContents();
    expect(notes.filter((text) => text.startsWith('While it was down'))).toEqual(meanwhile);
    for (const text of meanwhile) await waitForNote(b.page, text);
    expect(await b.page.locator('.note-text').allTextContents()).toEqual(notes);
  });

  it('counts the live processes in every panel once the killed one has stopped reporting', async () => {
    for (const tab of tabs) {
      await waitForExpression(
        tab.page,
        `document.querySelector('#connections-panel')?.getAttribute('data-processes') === '2' &&
         document.querySelector('[data-channel="${CHANNEL}"] .number')?.textContent === '3'`,
      );
    }
  });

  it('had no uncaught error or Content Security Policy violation in any tab, and nothing failed outside the crash', async () => {
    for (const tab of tabs) expect(await tab.page.evaluate('window.__violations')).toEqual([]);
    const problems = tabs.flatMap((tab) => tab.watched.problems);
    expect(problems.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
    expect(problems.filter((problem) => !problem.duringOutage)).toEqual([]);
  });
});
