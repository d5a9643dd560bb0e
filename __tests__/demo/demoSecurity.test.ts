import { parse } from 'node-html-parser';
import request from 'supertest';
import { createDemoApp, type DemoApp } from '../../demo/createDemoApp';
import { pollUntil } from '../lib/redis/settleWithin';

const HOST = 'demo.test';
const SAME_SITE = { Host: HOST, Origin: `http://${HOST}`, 'Sec-Fetch-Site': 'same-origin' };
/** What a browser sends when a form on another site posts here. */
const CROSS_SITE = { Host: HOST, Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };
/** An older browser: no Sec-Fetch-Site, an Origin of another site. */
const OTHER_ORIGIN = { Host: HOST, Origin: 'http://evil.example' };

describe('demo security', () => {
  const apps: DemoApp[] = [];
  const make = (options: Parameters<typeof createDemoApp>[0] = {}): DemoApp => {
    const demo = createDemoApp({ metricsIntervalMs: 60_000, ...options });
    apps.push(demo);
    return demo;
  };
  afterEach(async () => {
    for (const demo of apps.splice(0)) {
      demo.stop();
      await demo.broadcaster.close();
    }
  });

  /** Every state-changing route, with a body where it needs one, against a demo with a note and a running job. */
  async function stateChanges(demo: DemoApp): Promise<{ path: string; form?: Record<string, string> }[]> {
    const note = await demo.board.add('existing note');
    const job = demo.jobs.start('existing job', 60_000);
    return [
      { path: '/board/items', form: { text: 'planted' } },
      { path: `/board/items/${note.id}/toggle` },
      { path: '/board/clear-done' },
      { path: '/jobs', form: { name: 'planted', duration: '600' } },
      { path: `/jobs/${job.id}/cancel` },
      { path: '/controls/restart-stream' },
      { path: '/controls/drop-connections' },
      { path: '/controls/pause' },
      { path: '/signin', form: { name: 'planted' } },
      { path: '/signout' },
    ];
  }

  it.each([
    ['Sec-Fetch-Site: cross-site', CROSS_SITE, /Sec-Fetch-Site is "cross-site"/],
    ['an Origin of another site', OTHER_ORIGIN, /Origin "http:\/\/evil\.example" is not "http:\/\/demo\.test"/],
  ])(
    'refuses a POST with %s to each state-changing route with 403 and changes nothing',
    async (_name, headers, reason) => {
      const demo = make();
      const routes = await stateChanges(demo);
      const board = JSON.stringify((await demo.board.snapshot()).items);
      const jobsOf = (): string[] => demo.jobs.list().map((job) => `${job.id} ${job.name} ${job.status}`);
      const jobs = jobsOf();
      for (const { path, form } of routes) {
        const res = await request(demo.app)
          .post(path)
          .set(headers)
          .type('form')
          .send(form ?? {})
          .expect(403)
          .expect('Content-Type', /json/);
        expect(res.body.error).toMatch(new RegExp(`^cross-site POST ${path.replace(/[/]/g, '\\/')} refused: `));
        expect(res.body.error).toMatch(reason);
      }
      expect(JSON.stringify((await demo.board.snapshot()).items)).toBe(board);
      expect(jobsOf()).toEqual(jobs);
      // Streams were not paused (a pause refuses every /sse request).
      await request(demo.app).get('/sse/_stats').expect(200);
    },
  );

  it('accepts the same POSTs from a page of its own', async () => {
    const demo = make({ controls: { pauseMs: 50 } });
    const routes = await stateChanges(demo);
    for (const { path, form } of routes) {
      const res = await request(demo.app)
        .post(path)
        .set(SAME_SITE)
        .type('form')
        .send(form ?? {});
      // Signing in and out send a plain form back to the dashboard.
      expect([200, 204, 303]).toContain(res.status);
    }
    expect((await demo.board.snapshot()).items.map((item) => item.text)).toContain('planted');
    expect(demo.jobs.list().map((job) => job.name)).toContain('planted');
    expect(demo.jobs.list().find((job) => job.name === 'existing job')?.status).toBe('cancelled');
  });

  it('accepts board and job changes from clients that are not browsers, but not the resilience controls or signing in and out', async () => {
    const demo = make();
    await request(demo.app).post('/board/items').type('form').send({ text: 'from curl' }).expect(200);
    await request(demo.app).post('/jobs').type('form').send({ name: 'from curl', duration: '1' }).expect(200);
    for (const path of [
      '/controls/restart-stream',
      '/controls/drop-connections',
      '/controls/pause',
      '/signin',
      '/signout',
    ]) {
      const res = await request(demo.app).post(path).expect(403);
      expect(res.body.error).toBe(
        `cross-site POST ${path} refused: neither Sec-Fetch-Site nor Origin shows it comes from this site`,
      );
    }
  });

  it('will not let "pause" be re-posted to keep streams refused: the next pause waits as long again after it ends', async () => {
    const demo = make({ controls: { pauseMs: 300 } });
    await request(demo.app).post('/controls/pause').set(SAME_SITE).expect(200);
    await request(demo.app).get('/sse/_stats').expect(503);
    const again = await request(demo.app).post('/controls/pause').set(SAME_SITE).expect(429);
    expect(again.body.error).toMatch(/^a pause was asked for within the last 0\.6 s; try again in 1 s$/);
    expect(again.headers['retry-after']).toBe('1');
    // The pause ends on its own, and streams are taken again.
    await pollUntil(
      async () => ((await request(demo.app).get('/sse/_stats')).status === 200 ? true : undefined),
      'streams accepted after the pause',
    );
  });

  it('caps running jobs at 10 with a 429, and keeps at most 20 jobs in the list', async () => {
    const demo = make({ jobTickMs: 10 });
    for (let n = 0; n < 10; n += 1)
      await request(demo.app)
        .post('/jobs')
        .type('form')
        .send({ name: `long ${n}`, duration: '600' })
        .expect(200);
    const refused = await request(demo.app)
      .post('/jobs')
      .type('form')
      .send({ name: 'one too many', duration: '600' })
      .expect(429);
    expect(refused.body.error).toBe('at most 10 jobs run at once: wait for one to end, or cancel one');
    expect(demo.jobs.list().filter((job) => job.status === 'running')).toHaveLength(10);
    expect(demo.jobs.list().map((job) => job.name)).not.toContain('one too many');

    for (const job of demo.jobs.list()) demo.jobs.cancel(job.id);
    for (let round = 0; round < 3; round += 1) {
      for (let n = 0; n < 10; n += 1) demo.jobs.start(`short ${round}.${n}`, 100);
      await pollUntil(
        async () => (demo.jobs.list().some((job) => job.status === 'running') ? undefined : true),
        'the short jobs end',
      );
    }
    expect(demo.jobs.list()).toHaveLength(20);
    const page = await request(demo.app).get('/').expect(200);
    expect(parse(page.text).querySelectorAll('#jobs li.job')).toHaveLength(20);
  });

  it('sends a nonce CSP, nosniff and frame options, with the nonce on every script and stylesheet tag', async () => {
    const { app } = make();
    const first = await request(app).get('/').expect(200);
    const second = await request(app).get('/').expect(200);
    const csp = first.headers['content-security-policy'];
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['x-frame-options']).toBe('DENY');
    expect(second.headers['content-security-policy']).not.toContain(nonce);
    const root = parse(first.text);
    const scripts = root.querySelectorAll('script[src]');
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of [...scripts, ...root.querySelectorAll('head link[rel="stylesheet"][href^="/sse/"]')])
      expect(tag.getAttribute('nonce')).toBe(nonce);
  });
});
