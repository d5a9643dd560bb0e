import { parse } from 'node-html-parser';
import request from 'supertest';
import { BoardStore } from '../../demo/board/boardStore';
import { createDemoApp, type DemoApp } from '../../demo/createDemoApp';

describe('demo routes', () => {
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

  it.each(['htmx2', 'htmx4'])(
    'renders the dashboard for %s with its stream, cards and escaped notes',
    async (dialect) => {
      const board = new BoardStore();
      board.add('<script>alert(1)</script>');
      const { app } = make({ board });
      const res = await request(app).get(`/?dialect=${dialect}`).expect(200).expect('Content-Type', /html/);
      const root = parse(res.text);
      expect(root.querySelector('body')?.getAttribute('data-dialect')).toBe(dialect);
      expect(res.text).toContain(`/sse/dashboard-${dialect}`);
      for (const card of ['system', 'jobs', 'board', 'connections', 'controls'])
        expect(root.querySelector(`#${card}`)).not.toBeNull();
      expect(root.querySelector('.note-text')?.textContent).toBe('<script>alert(1)</script>');
      expect(res.text).not.toContain('<script>alert(1)');
      expect(root.querySelector('.dialect-switch [aria-current="page"]')?.getAttribute('href')).toBe(
        `/?dialect=${dialect}`,
      );
    },
  );

  it('serves the broadcaster metrics for Prometheus at /metrics', async () => {
    const { app } = make();
    const res = await request(app)
      .get('/metrics')
      .expect(200)
      .expect('Content-Type', /^text\/plain/);
    expect(res.text).toContain('# TYPE sse_streams_open gauge');
    expect(res.text).toMatch(/^sse_bus_connected\{kind="memory"\} 1$/m);
  });

  it.each(['/', '/dashboard/state'])(
    'answers %s with an unknown dialect with 400 and a JSON error naming it',
    async (path) => {
      const res = await request(make().app).get(`${path}?dialect=htmx9`).expect(400);
      expect(res.body.error).toContain('"htmx9"');
    },
  );

  it('renders the page with the render-time cursor in its stream URL', async () => {
    const demo = make();
    await demo.broadcaster.publish('dashboard-htmx2', { data: '<p>before the page</p>' });
    const cursor = await demo.broadcaster.cursor();
    const res = await request(demo.app).get('/?dialect=htmx2').expect(200);
    const element = parse(res.text).querySelector('[data-sse-connection="dashboard"]');
    expect(element?.getAttribute('sse-connect')).toBe(`/sse/dashboard-htmx2?lastEventId=${encodeURIComponent(cursor)}`);
  });

  it('uses the configured dialect when the query names none', async () => {
    const res = await request(make({ dialect: 'htmx4' }).app)
      .get('/')
      .expect(200);
    expect(res.text).toContain('/sse/dashboard-htmx4');
  });

  it('adds, toggles and clears board notes, refusing bad input with JSON errors', async () => {
    const { app, board } = make();
    const added = await request(app).post('/board/items').type('form').send({ text: '  Buy milk ' }).expect(200);
    expect(parse(added.text).querySelector('form')?.getAttribute('hx-post')).toBe('/board/items');
    const [note] = (await board.snapshot()).items;
    expect(note.text).toBe('Buy milk');
    // The tab that asked gets the new board out of band (the broadcast leaves it out).
    expect(parse(added.text).querySelector('#board-items[hx-swap-oob] .note-text')?.text).toBe('Buy milk');
    const toggled = await request(app).post(`/board/items/${note.id}/toggle`).expect(200);
    expect(parse(toggled.text).querySelector('#board-items .note')?.getAttribute('data-done')).toBe('true');
    expect((await board.snapshot()).items[0].done).toBe(true);
    const cleared = await request(app).post('/board/clear-done').expect(200);
    expect(parse(cleared.text).querySelectorAll('#board-items .note')).toHaveLength(0);
    expect((await board.snapshot()).items).toEqual([]);
    expect((await request(app).post('/board/items').type('form').send({ text: '   ' }).expect(400)).body.error).toMatch(
      /1-120 characters/,
    );
    expect(
      (
        await request(app)
          .post('/board/items')
          .type('form')
          .send({ text: 'x'.repeat(121) })
          .expect(400)
      ).body.error,
    ).toMatch(/1-120 characters/);
    expect((await request(app).post('/board/items/nope/toggle').expect(404)).body.error).toContain('"nope"');
  });

  it('starts and cancels jobs, refusing bad names, durations and ids', async () => {
    const { app, jobs } = make();
    await request(app).post('/jobs').type('form').send({ name: 'Backup', duration: '30' }).expect(200);
    const [job] = jobs.list();
    expect(job).toMatchObject({ name: 'Backup', durationMs: 30_000, status: 'running' });
    await request(app).post(`/jobs/${job.id}/cancel`).expect(204);
    expect(jobs.get(job.id)?.status).toBe('cancelled');
    expect(
      (await request(app).post('/jobs').type('form').send({ name: 'x', duration: '0' }).expect(400)).body.error,
    ).toMatch(/duration/);
    expect(
      (await request(app).post('/jobs').type('form').send({ name: 'x', duration: 'soon' }).expect(400)).body.error,
    ).toMatch(/duration/);
    expect(
      (await request(app).post('/jobs').type('form').send({ name: '', duration: '1' }).expect(400)).body.error,
    ).toMatch(/name/);
    expect((await request(app).post('/jobs/zzz/cancel').expect(404)).body.error).toContain('"zzz"');
  });

  it('leaves the resilience controls out of the page and the routes in production mode', async () => {
    const { app } = make({ devMode: false });
    const page = await request(app).get('/').expect(200);
    expect(parse(page.text).querySelector('#controls')).toBeNull();
    await request(app).post('/controls/pause').expect(404);
    await request(app).post('/controls/drop-connections').expect(404);
  });

  it('serves its stylesheet with light and dark palettes', async () => {
    const res = await request(make().app)
      .get('/dashboard.css')
      .expect(200)
      .expect('Content-Type', /text\/css/);
    expect(res.text).toContain('prefers-color-scheme: dark');
  });
});
