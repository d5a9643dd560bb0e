/**
 * `resync` in Chromium (issue 24, part 2): per dialect, on the browser's shared stream and on an
 * element's own stream, a client offline for longer than history comes back with its element equal
 * to the server's state, with no script of the app, in exactly one request for the gaps of both
 * channels of its stream; a resync path of another origin in the markup is not fetched.
 */
import type { Socket } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { ConnectionMonitor } from '../../../components/ConnectionMonitor';
import type { Dialect } from '../../../components/dialect';
import type { MonitorOptions } from '../../../components/monitorOptions';
import { SseElement } from '../../../components/SseElement';
import { SseHead } from '../../../components/SseHead';
import { createBroadcaster } from '../../../lib/broadcast/broadcaster';
import { RESYNC_SETTLE_MS } from '../../../lib/browser/resyncSchedule';
import { type MonitorGapDetail, type MonitorResyncDetail, sseElementId } from '../../../lib/protocol/monitorContract';
import { sseMiddleware } from '../../../middleware/sseMiddleware';
import { type LoopbackServer, listenOnLoopback } from '../../support/loopbackServer';
import { settleWithin } from '../redis/settleWithin';
import { buildClientAssets } from './support/buildClient';
import { launchChromium, WatchedPage } from './support/chromium';

/** Events each channel keeps: fewer than a client misses while offline. */
const HISTORY_SIZE = 3;
/** Reconnects every 100–200 ms, so an outage is noticed and retried within the test's bounds. */
const QUICK_MONITOR: MonitorOptions = {
  reconnectDelayMs: 100,
  maxBackoffMultiplier: 2,
  jitter: 0,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
};
const WAIT = { timeout: 10_000 };

/** One page: an element on two channels, its resync path given to the element or to its monitor. */
interface ResyncCase {
  dialect: Dialect;
  shared: boolean;
  /** `element alone`: `<SseElement resync>` with no `<ConnectionMonitor>` (default monitor options). */
  resyncOn: 'element' | 'monitor' | 'element alone';
}

const CASES: ResyncCase[] = [
  { dialect: 'htmx2', shared: true, resyncOn: 'monitor' },
  { dialect: 'htmx2', shared: false, resyncOn: 'element alone' },
  { dialect: 'htmx4', shared: true, resyncOn: 'element' },
  { dialect: 'htmx4', shared: false, resyncOn: 'monitor' },
];

interface PageSpec extends ResyncCase {
  name: string;
  /** A render-time cursor for the element's stream. */
  lastEventId?: string;
}

const channelsOf = (name: string): [string, string] => [`${name}-a`, `${name}-b`];
const resyncPathOf = (name: string): string => `/state/${name}`;
const countIdOf = (name: string): string => `count-${name}`;

function Items({ list }: { list: readonly string[] }): JSX.Element {
  return (
    <>
      {list.map((text) => (
        <li class="item" safe>
          {text}
        </li>
      ))}
    </>
  );
}

function ResyncPage({ spec, list }: { spec: PageSpec; list: readonly string[] }): JSX.Element {
  const path = resyncPathOf(spec.name);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>resync test</title>
        <SseHead dialect={spec.dialect} />
      </head>
      <body>
        {spec.resyncOn === 'element alone' ? (
          ''
        ) : (
          <ConnectionMonitor
            connectionId={spec.name}
            config={QUICK_MONITOR}
            resync={spec.resyncOn === 'monitor' ? path : undefined}
          />
        )}
        <p id={countIdOf(spec.name)}>as rendered</p>
        <SseElement
          connectionId={spec.name}
          as="ul"
          channels={channelsOf(spec.name)}
          lastEventId={spec.lastEventId}
          dialect={spec.dialect}
          swap="beforeend"
          sharedStream={spec.shared}
          resync={spec.resyncOn === 'monitor' ? undefined : path}
        >
          <Items list={list} />
        </SseElement>
      </body>
    </html>
  );
}

/** The page's `sse-monitor:gap` and `sse-monitor:resync` events, recorded from before its first script. */
interface ResyncRecord {
  readonly gaps: MonitorGapDetail[];
  readonly resyncs: MonitorResyncDetail[];
  /** Resolves at the first resync event. */
  readonly firstResync: Promise<void>;
}

async function recordResyncs(page: WatchedPage): Promise<ResyncRecord> {
  const gaps: MonitorGapDetail[] = [];
  const resyncs: MonitorResyncDetail[] = [];
  let resolveFirst: () => void = () => undefined;
  const firstResync = new Promise<void>((resolve) => {
    resolveFirst = resolve;
  });
  await page.page.exposeBinding('__recordGap', (_source, detail: MonitorGapDetail) => void gaps.push(detail));
  await page.page.exposeBinding('__recordResync', (_source, detail: MonitorResyncDetail) => {
    resyncs.push(detail);
    resolveFirst();
  });
  await page.page.addInitScript(`
    document.addEventListener('sse-monitor:gap', (event) => window.__recordGap(event.detail), true);
    document.addEventListener('sse-monitor:resync', (event) => window.__recordResync(event.detail), true);`);
  return { gaps, resyncs, firstResync };
}

describe('resync in Chromium', () => {
  const broadcaster = createBroadcaster({ history: { size: HISTORY_SIZE } });
  const app = express();
  const pages = new Map<string, PageSpec>();
  /** The server's state of each page's element: what its resync route renders. */
  const lists = new Map<string, string[]>();
  /** Requests to each resync route, whatever host they named. */
  const resyncRequests = new Map<string, number>();
  /** The server side of an outage: streams cut and refused (503) while `offline`. */
  const outage = { offline: false, refused: 0, streams: new Set<Socket>() };
  let onRefused: () => void = () => undefined;
  let server: LoopbackServer;
  let url: string;
  let browser: Browser;
  const open: WatchedPage[] = [];

  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.get('/page/:name', (req, res) => {
    const spec = pages.get(req.params.name);
    if (!spec) return void res.status(404).json({ error: 'no such page' });
    const html = `<!doctype html>${<ResyncPage spec={spec} list={lists.get(spec.name) ?? []} />}`;
    res.type('html').send(spec.name.startsWith('tampered') ? tamper(html, spec.name) : html);
  });
  // The element's items, and out of band a count that htmx loads once it has processed it.
  app.get('/state/:name', (req, res) => {
    const name = req.params.name;
    resyncRequests.set(name, (resyncRequests.get(name) ?? 0) + 1);
    const count = (
      <p id={countIdOf(name)} hx-swap-oob="true" hx-get={`/count/${name}`} hx-trigger="load">
        loading
      </p>
    );
    res.type('html').send(`${<Items list={lists.get(name) ?? []} />}${count}`);
  });
  app.get('/count/:name', (req, res) => {
    res.type('html').send(`${lists.get(req.params.name)?.length ?? 0} items`);
  });
  app.use('/sse', (req, res, next) => {
    if (req.path.startsWith('/_')) return next();
    if (outage.offline) {
      outage.refused += 1;
      onRefused();
      return void res.status(503).json({ error: 'offline' });
    }
    const socket = req.socket;
    outage.streams.add(socket);
    res.once('close', () => outage.streams.delete(socket));
    next();
  });
  app.use(sseMiddleware({ broadcaster, keepAlive: { intervalMs: 1000 } }));

  /** The page's resync path rewritten to the same server under another origin (`localhost` for `127.0.0.1`). */
  function tamper(html: string, name: string): string {
    const path = resyncPathOf(name);
    return html.replace(
      `data-sse-resync="${path}"`,
      `data-sse-resync="${url.replace('127.0.0.1', 'localhost')}${path}"`,
    );
  }

  async function openPage(spec: PageSpec): Promise<{ page: WatchedPage; events: ResyncRecord }> {
    pages.set(spec.name, spec);
    const page = await WatchedPage.open(browser);
    open.push(page);
    const events = await recordResyncs(page);
    await page.page.goto(`${url}/page/${spec.name}`);
    return { page, events };
  }

  /** Publishes an item on one of the element's channels and adds it to the server's state. */
  async function publish(name: string, channel: string, text: string): Promise<void> {
    lists.get(name)?.push(text);
    await broadcaster.publish(channel, { data: String(<Items list={[text]} />) });
  }

  /** Resolves once the element shows exactly the server's state of it. */
  async function showsState(page: WatchedPage, name: string): Promise<void> {
    const expected = lists.get(name) ?? [];
    const selector = `#${sseElementId(name)} .item`;
    try {
      await page.page.waitForFunction(
        ([query, wanted]) => [...document.querySelectorAll(query)].map((item) => item.textContent).join('|') === wanted,
        [selector, expected.join('|')] as const,
        WAIT,
      );
    } catch {
      const shown = await page.page.locator(selector).allTextContents();
      throw new Error(`the element shows ${JSON.stringify(shown)}, the server's state is ${JSON.stringify(expected)}`);
    }
  }

  /** Cuts every open stream and refuses new ones until `offline` is cleared; resolves once a reconnect was refused. */
  function goOffline(): Promise<void> {
    outage.offline = true;
    const refusedBefore = outage.refused;
    for (const socket of outage.streams) socket.destroy();
    return new Promise((resolve) => {
      onRefused = () => {
        if (outage.refused > refusedBefore) resolve();
      };
    });
  }

  beforeAll(async () => {
    buildClientAssets();
    browser = await launchChromium();
    server = await listenOnLoopback(app);
    url = server.url;
  });

  afterEach(async () => {
    outage.offline = false;
    for (const page of open.splice(0)) await page.close();
  });

  afterAll(async () => {
    await broadcaster.close({ reconnect: false });
    await server.close();
    await browser.close();
  });

  it.each(CASES)(
    '$dialect, shared stream $shared, resync on the $resyncOn: back from an outage longer than history with the server’s state, in one request',
    async (spec) => {
      const name = `${spec.dialect}-${spec.shared ? 'shared' : 'own'}`;
      const [a, b] = channelsOf(name);
      lists.set(name, ['rendered']);
      const { page, events } = await openPage({ ...spec, name });
      await page.waitForState(name, (state) => state.state === 'connected', 0, WAIT.timeout);
      // On the shared stream the page names its tab of it: `<stream id>/<tab id>`.
      await page.page.waitForFunction(() => document.querySelector('[data-sse-stream-id]') !== null);
      const [streamId] = (await page.page.evaluate('window.sseMonitor.streamIds()')) as string[];
      expect(streamId.includes('/')).toBe(spec.shared);
      await publish(name, a, 'live a1');
      await publish(name, b, 'live b1');
      await showsState(page, name);

      const refused = goOffline();
      await page.waitForState(name, (state) => state.state === 'reconnecting', 0, WAIT.timeout);
      await refused;
      // Both channels lose events from history: the stream that comes back gets a gap for each.
      for (let index = 1; index <= HISTORY_SIZE + 2; index += 1) {
        await publish(name, a, `missed a${index}`);
        await publish(name, b, `missed b${index}`);
      }
      outage.offline = false;
      await showsState(page, name);
      // The answer's out-of-band part went to its target, where htmx processed it.
      await page.page.locator(`#${countIdOf(name)}`, { hasText: `${lists.get(name)?.length} items` }).waitFor(WAIT);

      // Live events go on after the resync, on both channels.
      await publish(name, a, 'live a2');
      await publish(name, b, 'live b2');
      await showsState(page, name);
      // A second request would follow the first within a settle window: nothing can be awaited for
      // its absence, so the test waits out a few windows before counting.
      await new Promise((resolve) => setTimeout(resolve, 3 * RESYNC_SETTLE_MS));
      expect(events.gaps.map(({ connectionId }) => connectionId)).toEqual([name, name]);
      expect(resyncRequests.get(name)).toBe(1);
      expect(events.resyncs).toEqual([{ connectionId: name, url: `${url}${resyncPathOf(name)}`, status: 200 }]);
      expect(page.problems.filter(({ text }) => !text.startsWith('Failed to load resource'))).toEqual([]);
    },
  );

  it('does not fetch a resync path that the markup sends to another origin', async () => {
    const name = 'tampered';
    lists.set(name, ['rendered']);
    // A cursor of another epoch: history cannot cover it, so the stream opens with a gap per channel.
    const { page, events } = await openPage({
      name,
      dialect: 'htmx2',
      shared: false,
      resyncOn: 'element',
      lastEventId: '1.1',
    });
    await page.page.waitForFunction(() => document.querySelector('[data-sse-resync^="http://localhost:"]') !== null);
    await page.waitForState(name, (state) => state.state === 'connected', 0, WAIT.timeout);
    const other = `${url.replace('127.0.0.1', 'localhost')}${resyncPathOf(name)}`;
    await settleWithin(events.firstResync, WAIT.timeout, 'the refused resync');
    expect(events.gaps).toHaveLength(2);
    expect(events.resyncs).toEqual([{ connectionId: name, url: other, status: 0 }]);
    expect(resyncRequests.get(name)).toBeUndefined();
    expect(page.problems.map(({ text }) => text)).toEqual([
      expect.stringContaining(`not fetching resync ${JSON.stringify(other)}: not of this origin`),
    ]);
  });
});
