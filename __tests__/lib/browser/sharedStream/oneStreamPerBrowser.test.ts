import type { Dialect } from '../../../../components/dialect';
import type { RecordedState, WatchedPage } from '../support/chromium';
import { type BrowserProfile, useMonitorBrowser } from '../support/monitorBrowserFixture';
import { FORBIDDEN_PREFIX, type PageConnection } from '../support/monitorTestServer';

/** Run before any page script: the browser then has no SharedWorker (as Chrome on Android). */
const WITHOUT_SHARED_WORKER = 'delete window.SharedWorker;';
const MODES: [string, string | undefined][] = [
  ['a SharedWorker', undefined],
  ['a leader tab (no SharedWorker)', WITHOUT_SHARED_WORKER],
];

function numbered(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(index + 1));
}

/** `count` distinct numbers in [1, max], ascending. */
function randomMoments(count: number, max: number): number[] {
  const moments = new Set<number>();
  for (let tries = 0; moments.size < count && tries < 1000; tries += 1)
    moments.add(1 + Math.floor(Math.random() * max));
  return [...moments].sort((a, b) => a - b);
}

describe('one stream per browser, shared by every tab, in Chromium', () => {
  // History long enough for a tab that falls behind while 200 events are published at once.
  const fixture = useMonitorBrowser(250, 1000);

  async function openConnectedTabs(
    profile: BrowserProfile,
    url: string,
    id: string,
    count: number,
  ): Promise<WatchedPage[]> {
    const tabs: WatchedPage[] = [];
    for (let index = 0; index < count; index += 1) {
      const tab = await profile.openTab(url);
      await tab.waitForState(id, (state) => state.state === 'connected');
      tabs.push(tab);
    }
    return tabs;
  }

  /** Publishes `end` and waits for it: everything published before it has then arrived. */
  async function itemsAfterEnd(tabs: WatchedPage[], channel: string, id: string): Promise<string[][]> {
    await fixture.server.publishItem(channel, 'end');
    const seen: string[][] = [];
    for (const [index, tab] of tabs.entries()) {
      await tab.page
        .locator(`#sse-element-${id} .item`, { hasText: 'end' })
        .waitFor()
        .catch((error: Error) => {
          // What each tab went through and which streams the server holds: what a failure needs to be read.
          const states = tabs.map((each) => each.statesOf(id).map((state) => `${state.state}@${Math.round(state.at)}`));
          const streams = fixture.server.requestsFor(channel).map(({ cursor, closed }) => ({ cursor, closed }));
          throw new Error(
            `tab ${index}: ${error.message}\nstates: ${JSON.stringify(states)}\nstreams: ${JSON.stringify(streams)}`,
          );
        });
      seen.push(await tab.items(`#sse-element-${id}`));
    }
    return seen;
  }

  const openStreamsOf = (channel: string) =>
    fixture.server.openRequests().filter((request) => request.channels.includes(channel));

  describe.each<Dialect>(['htmx2', 'htmx4'])('%s', (dialect) => {
    /** A page of the dialect whose connections are on the browser's shared stream; returns its URL. */
    const sharedPage = (connections: PageConnection[]): string =>
      fixture.server.addPage({ dialect, sharedStream: true, connections });

    describe.each(MODES)('through %s', (_mode, initScript) => {
      const tag = `${dialect}-${initScript ? 'leader' : 'worker'}`;

      it('gives 8 tabs one stream, and every tab left shows all 200 events once, in order, while 4 close', async () => {
        const channel = `tabs-${tag}`;
        const id = channel;
        const url = sharedPage([{ id, channel, config: { heartbeatTimeoutMs: 0 } }]);
        const profile = await fixture.newProfile(initScript);
        const tabs = await openConnectedTabs(profile, url, id, 8);
        expect(openStreamsOf(channel)).toHaveLength(1);
        expect(openStreamsOf(channel)[0].form).toBe('query');

        // The first tab opened (the stream's owner in the fallback) and three others, at random moments.
        const others = tabs.slice(1).sort(() => Math.random() - 0.5);
        const closing = [tabs[0], ...others.slice(0, 3)];
        const moments = randomMoments(4, 199);
        const closed: Promise<void>[] = [];
        let handover: Promise<void> | undefined;
        for (let n = 1; n <= 200; n += 1) {
          await fixture.server.publishItem(channel, String(n));
          if (n !== moments[closed.length]) continue;
          const tab = closing[closed.length];
          if (tab === tabs[0] && initScript) {
            const before = fixture.server.requestsFor(channel).length;
            // Awaited as an event, not timed: how fast a loaded machine hands over is not this suite's to judge.
            handover = fixture.server.waitForRequests(() => fixture.server.requestsFor(channel).length > before);
          }
          closed.push(tab.close());
        }
        await Promise.all(closed);
        if (initScript) await handover;
        else expect(fixture.server.requestsFor(channel)).toHaveLength(1);

        const remaining = tabs.filter((tab) => !closing.includes(tab));
        const seen = await itemsAfterEnd(remaining, channel, id);
        for (const items of seen) expect(items).toEqual([...numbered(200), 'end']);
        expect(openStreamsOf(channel)).toHaveLength(1);
        for (const tab of remaining) expect(tab.problems).toEqual([]);
      });
    });

    it('widens the stream when a tab adds a channel, without losing or repeating an event of the others', async () => {
      const channel = `union-base-${dialect}`;
      const job = `union-job-${dialect}`;
      const config = { heartbeatTimeoutMs: 0 };
      const basePage = sharedPage([{ id: channel, channel, config }]);
      const jobPage = sharedPage([
        { id: channel, channel, config },
        { id: job, channel: job, config },
      ]);
      const profile = await fixture.newProfile();
      const tabs = await openConnectedTabs(profile, basePage, channel, 2);
      for (let n = 1; n <= 30; n += 1) await fixture.server.publishItem(channel, String(n));
      const jobTab = await profile.openTab(jobPage);
      for (let n = 31; n <= 60; n += 1) await fixture.server.publishItem(channel, String(n));
      await jobTab.waitForState(job, (state) => state.state === 'connected');
      await fixture.server.publishItem(job, 'job step');
      await jobTab.page.locator(`#sse-element-${job} .item`).waitFor();

      for (const items of await itemsAfterEnd(tabs, channel, channel)) expect(items).toEqual([...numbered(60), 'end']);
      expect(await jobTab.items(`#sse-element-${job}`)).toEqual(['job step']);
      // The job's tab rendered its base element with no cursor: it gets what came after it joined, once each.
      const late = (await jobTab.items(`#sse-element-${channel}`)).filter((text) => text !== 'end').map(Number);
      expect(late).toEqual([...late].sort((a, b) => a - b));
      expect(new Set(late).size).toBe(late.length);
      // The base tabs saw only their own channel.
      for (const tab of tabs) expect(await tab.page.locator('.item', { hasText: 'job step' }).count()).toBe(0);
      const widened = openStreamsOf(channel);
      expect(widened).toHaveLength(1);
      expect(widened[0].channels.sort()).toEqual([channel, job].sort());
    });

    it('resumes every tab from its last event after the server was down', async () => {
      const channel = `shared-restart-${dialect}`;
      const config = { reconnectDelayMs: 100, jitter: 0.1, maxReconnectAttempts: 40, heartbeatTimeoutMs: 0 };
      const url = sharedPage([{ id: channel, channel, config }]);
      const profile = await fixture.newProfile();
      const tabs = await openConnectedTabs(profile, url, channel, 3);
      for (const text of ['1', '2']) await fixture.server.publishItem(channel, text);
      await tabs[2].page.locator(`#sse-element-${channel} .item >> nth=1`).waitFor();

      const marks = tabs.map((tab) => tab.statesOf(channel).length);
      await fixture.server.stop();
      for (const [index, tab] of tabs.entries())
        await tab.waitForState(channel, (state) => state.state === 'reconnecting', marks[index]);
      for (const text of ['3', '4', '5']) await fixture.server.publishItem(channel, text);
      await fixture.server.restart();
      for (const [index, tab] of tabs.entries())
        await tab.waitForState(channel, (state) => state.state === 'connected', marks[index]);

      for (const items of await itemsAfterEnd(tabs, channel, channel)) expect(items).toEqual([...numbered(5), 'end']);
      expect(openStreamsOf(channel)).toHaveLength(1);
    });

    it('resumes a tab that had no event yet from where its stream opened, after the server was down', async () => {
      const channel = `shared-fresh-${dialect}`;
      const config = { reconnectDelayMs: 100, jitter: 0.1, maxReconnectAttempts: 40, heartbeatTimeoutMs: 0 };
      const url = sharedPage([{ id: channel, channel, config }]);
      const profile = await fixture.newProfile();
      const tabs = await openConnectedTabs(profile, url, channel, 2);
      const marks = tabs.map((tab) => tab.statesOf(channel).length);
      await fixture.server.stop();
      for (const [index, tab] of tabs.entries())
        await tab.waitForState(channel, (state) => state.state === 'reconnecting', marks[index]);
      // Published while no stream is open: only the cursor each stream opened with can bring it back.
      await fixture.server.publishItem(channel, 'while down');
      await fixture.server.restart();
      for (const items of await itemsAfterEnd(tabs, channel, channel)) expect(items).toEqual(['while down', 'end']);
    });

    it('replaces a stream gone silent once its elements time out, as each would replace its own', async () => {
      const channel = `shared-silent-${dialect}`;
      // Four times the server's 250 ms keep-alive: a stream may wait two rounds for a heartbeat (a
      // new or just-written stream carries its first to the next round, see `keepAlive.ts`), and at
      // 600 ms, 2.4 rounds, a loaded CI worker's late timers timed out live streams in other suites.
      const config = { reconnectDelayMs: 50, jitter: 0, heartbeatTimeoutMs: 1000, maxReconnectAttempts: 40 };
      const url = sharedPage([{ id: channel, channel, config }]);
      const profile = await fixture.newProfile();
      const tabs = await openConnectedTabs(profile, url, channel, 2);
      const marks = tabs.map((tab) => tab.statesOf(channel).length);
      // The tabs come back on streams that go silent, until each tab has timed out on one.
      const lift = fixture.server.silenceStreams(channel);
      await fixture.server.stop();
      await fixture.server.restart();
      const lost: RecordedState[] = [];
      for (const [index, tab] of tabs.entries()) {
        const back = await tab.waitForState(channel, (state) => state.state === 'connected', marks[index]);
        const after = tab.statesOf(channel).indexOf(back) + 1;
        lost.push(await tab.waitForState(channel, (state) => state.state === 'reconnecting', after));
      }
      lift();
      for (const [index, tab] of tabs.entries()) {
        const after = tab.statesOf(channel).indexOf(lost[index]) + 1;
        await tab.waitForState(channel, (state) => state.state === 'connected', after);
      }
      for (const items of await itemsAfterEnd(tabs, channel, channel)) expect(items).toEqual(['end']);
      // The silent streams it replaced are closed (the server may hear of the last one a little later).
      await fixture.server.waitForRequests(() => openStreamsOf(channel).length === 1);
    });

    it('leaves only the tab that made a change out of its broadcast, not the other tabs on the stream', async () => {
      const shared = `exclude-shared-${dialect}`;
      const own = `exclude-own-${dialect}`;
      const config = { heartbeatTimeoutMs: 0 };
      const url = sharedPage([
        { id: shared, channel: shared, config },
        { id: own, channel: own, config, sharedStream: false },
      ]);
      const profile = await fixture.newProfile();
      // The second and third tabs join a stream already open: they never saw its opening events.
      const tabs = await openConnectedTabs(profile, url, shared, 3);
      const headers: string[][] = [];
      const sharedIds = new Set<string>();
      for (const tab of tabs) {
        await tab.waitForState(own, (state) => state.state === 'connected');
        // What the tab's htmx requests send as SSE-Connection-Id, once both streams told their ids.
        const handle = await tab.page.waitForFunction(`(() => {
          const monitor = window.sseMonitor;
          const sharedStream = monitor?.streamIdOf(${JSON.stringify(shared)});
          const ownStream = monitor?.streamIdOf(${JSON.stringify(own)});
          return sharedStream && ownStream ? { sharedStream, ownStream, header: monitor.streamIds() } : undefined;
        })()`);
        const { sharedStream, ownStream, header } = (await handle.jsonValue()) as {
          sharedStream: string;
          ownStream: string;
          header: string[];
        };
        sharedIds.add(sharedStream);
        expect(await tab.page.getAttribute(`#sse-element-${shared}`, 'data-sse-stream-id')).toBe(sharedStream);
        expect(header).toHaveLength(2);
        expect(header).toContain(ownStream);
        expect(header.find((id) => id !== ownStream)).toMatch(new RegExp(`^${sharedStream}/[A-Za-z0-9_.-]+$`));
        headers.push(header);
      }
      expect(sharedIds.size).toBe(1);
      expect(new Set(headers.map((header) => header.join())).size).toBe(3);

      // Tab 2 made a change: the route publishes it with `exclude: requestConnectionIds(req)`.
      await fixture.server.broadcaster.publish(shared, { data: '<p class="item">change</p>' }, { exclude: headers[1] });
      await fixture.server.publishItem(shared, 'for all');
      for (const [index, tab] of tabs.entries()) {
        await tab.page.locator(`#sse-element-${shared} .item`, { hasText: 'for all' }).waitFor();
        expect(await tab.items(`#sse-element-${shared}`)).toEqual(index === 1 ? ['for all'] : ['change', 'for all']);
      }
      expect(openStreamsOf(shared)).toHaveLength(1);
    });

    it('ends only the element whose channel the server refuses (unauthorized at once, from the 403 naming it), while the stream goes on for the others', async () => {
      const open = `refusal-open-${dialect}`;
      const refused = `${FORBIDDEN_PREFIX}${dialect}`;
      const config = { heartbeatTimeoutMs: 0, reconnectDelayMs: 50, jitter: 0, maxReconnectAttempts: 2 };
      const profile = await fixture.newProfile();
      const [first] = await openConnectedTabs(profile, sharedPage([{ id: open, channel: open, config }]), open, 1);
      const second = await profile.openTab(
        sharedPage([
          { id: open, channel: open, config },
          { id: refused, channel: refused, config },
        ]),
      );
      // Refused with 403: asking again would be refused again, so it does not.
      await second.waitForState(refused, (state) => state.state === 'unauthorized');
      await second.waitForState(open, (state) => state.state === 'connected');
      for (const items of await itemsAfterEnd([first, second], open, open)) expect(items).toContain('end');
      expect(first.statesOf(open).map((state) => state.state)).toEqual(['connecting', 'connected']);
      expect(second.statesOf(refused).map((state) => state.state)).toEqual(['connecting', 'unauthorized']);
      expect(fixture.server.requests.filter((request) => request.channels.includes(refused))).toHaveLength(1);
    });

    it('gives an element its own stream when its page or the element turns sharing off', async () => {
      const shared = `sharing-on-${dialect}`;
      const own = `sharing-off-${dialect}`;
      const appOff = `sharing-app-off-${dialect}`;
      const config = { heartbeatTimeoutMs: 0 };
      const mixed = sharedPage([
        { id: shared, channel: shared, config },
        { id: own, channel: own, config, sharedStream: false },
      ]);
      const off = fixture.server.addPage({
        dialect,
        sharedStream: false,
        connections: [{ id: appOff, channel: appOff, config }],
      });
      const profile = await fixture.newProfile();
      const first = await profile.openTab(mixed);
      const second = await profile.openTab(off);
      await first.waitForState(shared, (state) => state.state === 'connected');
      await first.waitForState(own, (state) => state.state === 'connected');
      await second.waitForState(appOff, (state) => state.state === 'connected');

      expect(fixture.server.requestsFor(shared).map((request) => request.form)).toEqual(['query']);
      expect(fixture.server.requestsFor(own).map((request) => request.form)).toEqual(['path']);
      expect(fixture.server.requestsFor(appOff).map((request) => request.form)).toEqual(['path']);
      await fixture.server.publishItem(own, 'private');
      await first.page.locator(`#sse-element-${own} .item`).waitFor();
      expect(await first.items(`#sse-element-${own}`)).toEqual(['private']);
    });
  });
});
