/**
 * Ending streams when access ends, in Chromium, per dialect (issue 23, acceptance 3 and the
 * sign-out half of 4): three processes on one Redis, users signed in by a cookie, each with pages
 * spread over the processes on the browser's shared stream and on streams of their own.
 * `disconnectWhere` on one user ends that user's streams on every process within 1 s, their
 * monitors show `unauthorized` and never ask again, and the other users' streams go on; a periodic
 * re-check that fails for one channel ends only that channel; a reconnect refused with 403 is
 * `unauthorized` at once, after exactly one refused request; signing out in one tab puts every tab
 * of that browser in `unauthorized` within 2 s.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import type { Dialect } from '../../../components/dialect';
import { pollUntil, settleWithin } from '../redis/settleWithin';
import { type AccessElement, type AccessRequest, AccessTestRig, USER_COOKIE } from './support/accessTestRig';
import { buildClientAssets } from './support/buildClient';
import { launchChromium, WatchedPage } from './support/chromium';

/** A monitor that would reconnect does so within 100–200 ms (`accessTestRig`'s monitor options): this is 5 times that. */
const NO_ATTEMPT_WINDOW_MS = 1000;

/** One tab of a test: its page, and the elements on it. */
interface Tab {
  page: WatchedPage;
  elements: AccessElement[];
}

const refusedGets = (requests: AccessRequest[]): AccessRequest[] =>
  requests.filter((request) => request.method === 'GET' && (request.status === 401 || request.status === 403));

describe('ending streams when access ends, in Chromium (three processes on one Redis)', () => {
  let browser: Browser | undefined;
  let rig: AccessTestRig | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildClientAssets();
    browser = await launchChromium();
    rig = await AccessTestRig.start();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await rig?.close();
    await browser?.close();
  });

  const theRig = (): AccessTestRig => {
    if (!rig) throw new Error('the rig is not running (beforeAll failed)');
    return rig;
  };

  /** A browser profile signed in as `user` (its cookie goes to every process: cookies ignore ports). */
  async function signedIn(user: string): Promise<BrowserContext> {
    if (!browser) throw new Error('Chromium is not running (beforeAll failed)');
    const context = await browser.newContext();
    contexts.push(context);
    await context.addCookies([{ name: USER_COOKIE, value: user, domain: '127.0.0.1', path: '/' }]);
    return context;
  }

  /** Opens a tab of `context` on `process` with `elements`, and waits until every one is connected. */
  async function openTab(
    context: BrowserContext,
    process: number,
    dialect: Dialect,
    elements: AccessElement[],
  ): Promise<Tab> {
    const page = await WatchedPage.open(context);
    await page.page.goto(theRig().addPage(process, dialect, elements));
    for (const { id } of elements) await page.waitForState(id, (state) => state.state === 'connected');
    return { page, elements };
  }

  /** Resolves once an `.item` with `text` is in the element `id` of `tab`. */
  const itemArrives = (tab: Tab, id: string, text: string): Promise<void> =>
    tab.page.page.locator(`#sse-element-${id} .item`, { hasText: text }).waitFor({ timeout: 10_000 });

  const statesOf = (tab: Tab, id: string): string[] =>
    tab.page.statesOf(id).map(({ state, attempt }) => `${state}#${attempt}`);

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    it('disconnectWhere on one user ends their streams on every process within 1 s: unauthorized, no attempt; the other users go on', async () => {
      const board = `board-${dialect}`;
      const inbox = (user: string): string => `inbox-${user}`;
      const users = ['ann', 'bob', 'cy'].map((name) => `${name}-${dialect}`);
      const tabs = new Map<string, Tab[]>();
      // Each user: two tabs on a home process sharing one stream, a third on the next process with
      // one element on that origin's shared stream and one on a stream of its own.
      for (const [index, user] of users.entries()) {
        const context = await signedIn(user);
        const home = index;
        const away = (index + 1) % 3;
        tabs.set(user, [
          await openTab(context, home, dialect, [
            { id: 'board', channel: board },
            { id: 'inbox', channel: inbox(user) },
          ]),
          await openTab(context, home, dialect, [{ id: 'inbox', channel: inbox(user) }]),
          await openTab(context, away, dialect, [
            { id: 'board', channel: board },
            { id: 'own', channel: inbox(user), shared: false },
          ]),
        ]);
      }
      const [victim, ...others] = users as [string, ...string[]];
      const streamsOfVictim = theRig()
        .requestsOf(victim)
        .filter((request) => request.status === undefined);
      expect(streamsOfVictim.map((request) => request.process).sort()).toEqual([0, 1, 1]);
      const mark = theRig().requests.length;

      // Signed out (a reconnect would be refused) and revoked from a process that holds none of the victim's streams.
      theRig().signedOut.add(victim);
      const revokedAt = Date.now();
      expect(await theRig().broadcasters[2]!.disconnectWhere({ metadata: { user: victim } })).toBe(3);
      await pollUntil(
        async () => (streamsOfVictim.every((request) => request.closedAt !== undefined) ? true : undefined),
        "the victim's streams end",
        50,
        50,
      );
      const slowest = Math.max(...streamsOfVictim.map((request) => (request.closedAt ?? 0) - revokedAt));
      expect(slowest).toBeLessThanOrEqual(1000);
      for (const tab of tabs.get(victim)!) {
        for (const { id } of tab.elements) {
          await tab.page.waitForState(id, (state) => state.state === 'unauthorized', 0, 2000);
          expect(statesOf(tab, id)).toEqual(['connecting#0', 'connected#0', 'unauthorized#0']);
        }
      }
      const victimTab = tabs.get(victim)![0]!;
      expect(await victimTab.page.page.locator('#sse-status-board').getAttribute('data-sse-state')).toBe(
        'unauthorized',
      );
      expect(await victimTab.page.page.locator('#sse-status-board [data-sse-for="unauthorized"]').isVisible()).toBe(
        true,
      );
      expect(await victimTab.page.page.evaluate('window.sseMonitor.stateOf("inbox")')).toBe('unauthorized');

      // The others: untouched, and still live on every process.
      await theRig().publishItem(1, board, 'for everyone');
      for (const user of others) await theRig().publishItem(2, inbox(user), `for ${user}`);
      for (const user of others) {
        const [first, second, third] = tabs.get(user)!;
        await itemArrives(first!, 'board', 'for everyone');
        await itemArrives(first!, 'inbox', `for ${user}`);
        await itemArrives(second!, 'inbox', `for ${user}`);
        await itemArrives(third!, 'board', 'for everyone');
        await itemArrives(third!, 'own', `for ${user}`);
        for (const tab of tabs.get(user)!)
          for (const { id } of tab.elements) expect(statesOf(tab, id)).toEqual(['connecting#0', 'connected#0']);
      }
      expect(await victimTab.page.items('#sse-element-board')).toEqual([]);

      // No attempt from the victim: not one request on any process, however long a monitor would have waited.
      await new Promise((resolve) => setTimeout(resolve, NO_ATTEMPT_WINDOW_MS));
      expect(
        theRig()
          .requests.slice(mark)
          .filter((request) => request.user === victim),
      ).toEqual([]);
      for (const tab of tabs.get(victim)!) expect(tab.page.problems).toEqual([]);
    });

    it('a re-check that starts failing for one channel of a shared stream ends that channel only: its element unauthorized, the other live on the same stream', async () => {
      const user = `dee-${dialect}`;
      const [refused, kept] = [`doc-a-${dialect}`, `doc-b-${dialect}`];
      const tab = await openTab(await signedIn(user), 1, dialect, [
        { id: 'refused', channel: refused },
        { id: 'kept', channel: kept },
      ]);
      const [stream, ...more] = theRig()
        .requestsOf(user)
        .filter((request) => request.status === undefined);
      expect(more).toEqual([]);
      expect(stream!.channels.sort()).toEqual([refused, kept].sort());
      const mark = theRig().requests.length;

      theRig().refusedOnRecheck.add(`${user} ${refused}`);
      await tab.page.waitForState('refused', (state) => state.state === 'unauthorized', 0, 10_000);
      await theRig().publishItem(0, kept, 'still here');
      await theRig().publishItem(0, refused, 'not for you');
      await itemArrives(tab, 'kept', 'still here');
      expect(statesOf(tab, 'refused')).toEqual(['connecting#0', 'connected#0', 'unauthorized#0']);
      expect(statesOf(tab, 'kept')).toEqual(['connecting#0', 'connected#0']);
      expect(await tab.page.items('#sse-element-refused')).toEqual([]);
      // The same stream goes on for the kept channel: no new request, nothing ended.
      await new Promise((resolve) => setTimeout(resolve, NO_ATTEMPT_WINDOW_MS));
      expect(
        theRig()
          .requests.slice(mark)
          .filter((request) => request.user === user),
      ).toEqual([]);
      expect(stream!.closedAt).toBeUndefined();
    });

    it('a reconnect refused with 403 is unauthorized at once, after exactly one refused request; the shared stream goes on for its other channel', async () => {
      const user = `eve-${dialect}`;
      const [refused, kept] = [`doc-a-${dialect}`, `doc-b-${dialect}`];
      const tab = await openTab(await signedIn(user), 2, dialect, [
        { id: 'refused', channel: refused },
        { id: 'kept', channel: kept },
        { id: 'own', channel: refused, shared: false },
      ]);
      const mark = theRig().requests.length;
      // Each element's states so far: connecting, connected.
      const since = 2;

      // Access to one channel is taken away; then the server drops that channel (a stream of its
      // own, and that channel alone of the shared stream), asking the clients back.
      theRig().refusedAtOpen.add(`${user} ${refused}`);
      const dropped = await theRig().broadcasters[0]!.disconnectWhere(
        { metadata: { user }, channel: refused },
        { reconnect: true, after: 100, reason: 'moved' },
      );
      expect(dropped).toBe(2);
      await tab.page.waitForState('refused', (state) => state.state === 'unauthorized', since);
      await tab.page.waitForState('own', (state) => state.state === 'unauthorized', since);
      await theRig().publishItem(1, kept, 'still here');
      await itemArrives(tab, 'kept', 'still here');

      await new Promise((resolve) => setTimeout(resolve, NO_ATTEMPT_WINDOW_MS));
      for (const id of ['refused', 'own'])
        expect(statesOf(tab, id).slice(since)).toEqual(['reconnecting#1', 'unauthorized#0']);
      expect(statesOf(tab, 'kept')).toEqual(['connecting#0', 'connected#0']);
      const after = theRig().requests.slice(mark);
      // One refused request each: the element's own stream, and the shared stream asked with the channel again.
      const refusals = refusedGets(after)
        .map((request) => ({ shared: request.shared, channels: request.channels.sort(), status: request.status }))
        .sort((a, b) => Number(a.shared) - Number(b.shared));
      expect(refusals).toEqual([
        { shared: false, channels: [refused], status: 403 },
        { shared: true, channels: [refused, kept].sort(), status: 403 },
      ]);
      expect(after.filter((request) => request.method === 'GET' && request.channels.includes(refused))).toHaveLength(2);
      // An EventSource hides a refusal's status: htmx 2's own stream learns it with one HEAD.
      const probes = after.filter((request) => request.method === 'HEAD');
      expect(probes.map((request) => [request.channels, request.status])).toEqual(
        dialect === 'htmx2' ? [[[refused], 403]] : [],
      );
    });

    it('signing out in one tab puts every tab of that browser on the shared stream in unauthorized within 2 s', async () => {
      const user = `fay-${dialect}`;
      const context = await signedIn(user);
      const elements = [{ id: 'inbox', channel: `inbox-${user}` }];
      const first = await openTab(context, 0, dialect, elements);
      const second = await openTab(context, 0, dialect, elements);

      const signedOutAt = Date.now();
      const answer = await first.page.page.evaluate(
        "fetch('/sign-out', { method: 'POST' }).then((response) => response.json())",
      );
      expect(answer).toEqual({ ended: 1 });
      await settleWithin(
        Promise.all(
          [first, second].map((tab) => tab.page.waitForState('inbox', (state) => state.state === 'unauthorized')),
        ),
        2000 - (Date.now() - signedOutAt),
        'both tabs unauthorized',
      );
      for (const tab of [first, second]) {
        expect(await tab.page.page.locator('#sse-status-inbox').getAttribute('data-sse-state')).toBe('unauthorized');
        expect(await tab.page.page.locator('#sse-status-inbox').innerText()).toBe('Not allowed');
      }
    });
  });
});
