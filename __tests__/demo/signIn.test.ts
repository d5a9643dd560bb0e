import { parse } from 'node-html-parser';
import request from 'supertest';
import { WHO_IS_HERE_CHANNEL } from '../../demo/presence/presenceMembers';
import { publicIdOf } from '../../demo/presence/visitor';
import { type DemoServer, startDemoServer } from '../../demo/startDemoServer';
import { pollUntil } from '../lib/redis/settleWithin';
import { RecordingEventSource } from '../support/eventSourceClient';

const SAME_SITE = { 'Sec-Fetch-Site': 'same-origin' };
const ADA_TOKEN = 'a'.repeat(32);
const BOB_TOKEN = 'b'.repeat(32);
const HOSTILE = '<img src=x onerror=alert(1)>';

/** The `Cookie` header of a browser with `token` and, signed in, `name`. */
function cookies(token: string, name?: string): string {
  const visitor = `demo_visitor=${token}`;
  return name === undefined ? visitor : `${visitor}; demo_name=${Buffer.from(name).toString('base64url')}`;
}

/** The response's `Set-Cookie` lines. */
function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? header : [];
}

describe('demo sign-in: a name in a cookie, presence and streams that end on sign-out', () => {
  let running: DemoServer;
  const streams: RecordingEventSource[] = [];

  beforeAll(async () => {
    running = await startDemoServer({ port: 0, metricsIntervalMs: 60_000 });
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  afterAll(async () => {
    await running?.close();
  });

  /** A stream of `path` with the browser's cookies, recording close events, once started. */
  async function stream(path: string, cookie: string): Promise<RecordingEventSource> {
    const opened = new RecordingEventSource(`${running.url}${path}`, ['sse:close'], { Cookie: cookie });
    streams.push(opened);
    await opened.started();
    return opened;
  }

  const whoIsHere = async (): Promise<string[]> =>
    (await running.demo.broadcaster.presence(WHO_IS_HERE_CHANNEL)).members.map(
      (member) => `${member.id} ${member.name}`,
    );

  it('gives a browser a token on its first page, as an HttpOnly, SameSite=Lax cookie, and never a second one', async () => {
    const first = await request(running.demo.app).get('/').expect(200);
    const [visitor] = setCookies(first);
    expect(visitor).toMatch(/^demo_visitor=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    const again = await request(running.demo.app).get('/').set('Cookie', cookies(ADA_TOKEN)).expect(200);
    expect(setCookies(again)).toEqual([]);
    expect(parse(again.text).querySelector('#signin-form input[name="name"]')?.getAttribute('maxlength')).toBe('40');
  });

  it('signs in with a name, back to the dialect it came from, and shows the name escaped', async () => {
    const res = await request(running.demo.app)
      .post('/signin')
      .set(SAME_SITE)
      .set('Cookie', cookies(ADA_TOKEN))
      .type('form')
      .send({ name: `  ${HOSTILE}  `, dialect: 'htmx4' })
      .expect(303);
    expect(res.headers.location).toBe('/?dialect=htmx4');
    expect(setCookies(res)).toEqual([
      `demo_name=${Buffer.from(HOSTILE).toString('base64url')}; Path=/; HttpOnly; SameSite=Lax`,
    ]);
    const page = await request(running.demo.app).get('/').set('Cookie', cookies(ADA_TOKEN, HOSTILE)).expect(200);
    expect(page.text).not.toContain(HOSTILE);
    const root = parse(page.text);
    expect(root.querySelector('.who-name')?.text).toBe(HOSTILE);
    expect(root.querySelector('#signin-form')).toBeNull();
    expect(root.querySelectorAll('img')).toHaveLength(0);
    const unknownDialect = await request(running.demo.app)
      .post('/signin')
      .set(SAME_SITE)
      .type('form')
      .send({ name: 'Ada', dialect: 'htmx3' })
      .expect(303);
    expect(unknownDialect.headers.location).toBe('/');
  });

  it.each([
    ['no name', {}, 'a name must be 1 to 40 characters, got no text (undefined)'],
    ['a blank one', { name: '   ' }, 'a name must be 1 to 40 characters, got "   "'],
    ['41 characters', { name: 'x'.repeat(41) }, `a name must be 1 to 40 characters, got "${'x'.repeat(41)}"`],
    ['a line break', { name: 'Ada\nAdmin' }, 'only, got "Ada\\nAdmin"'],
    ['a right-to-left override', { name: 'Ada\u202Egpj.exe' }, 'only, got "Ada\u202Egpj.exe"'],
    ['a zero-width space', { name: 'A\u200Bda' }, 'only, got "A\u200Bda"'],
  ])('refuses %s with 400 and a JSON error naming it, setting no cookie', async (_what, form, message) => {
    const res = await request(running.demo.app).post('/signin').set(SAME_SITE).type('form').send(form).expect(400);
    expect(res.body.error).toContain(message);
    expect(setCookies(res)).toEqual([]);
  });

  it('reads malformed cookies as signed out', async () => {
    for (const cookie of [
      'demo_visitor=not-a-token; demo_name=QWRh',
      `${cookies(ADA_TOKEN)}; demo_name=not base64!`,
      `${cookies(ADA_TOKEN)}; demo_name=${Buffer.from('Ada\nAdmin').toString('base64url')}`,
    ]) {
      const page = await request(running.demo.app).get('/').set('Cookie', cookie).expect(200);
      expect(parse(page.text).querySelector('#signin-form')).not.toBeNull();
    }
  });

  it('puts a signed-in browser on "Who is here" by its public id and name, and no anonymous one', async () => {
    await stream(`/sse?channels=dashboard-htmx2,${WHO_IS_HERE_CHANNEL}`, cookies(ADA_TOKEN, 'Ada'));
    await stream(`/sse/${WHO_IS_HERE_CHANNEL}`, cookies(BOB_TOKEN));
    expect(await whoIsHere()).toEqual([`${publicIdOf(ADA_TOKEN)} Ada`]);
    expect(publicIdOf(ADA_TOKEN)).not.toContain(ADA_TOKEN.slice(0, 8));
    expect((await running.demo.broadcaster.presence('dashboard-htmx2')).count).toBe(0);
    const metadata = running.demo.broadcaster
      .connections(WHO_IS_HERE_CHANNEL)
      .map((connection) => connection.metadata)
      .sort((a, b) => String(a?.user).localeCompare(String(b?.user)));
    expect(metadata).toEqual([
      { visitor: ADA_TOKEN, user: publicIdOf(ADA_TOKEN) },
      { visitor: BOB_TOKEN, user: null },
    ]);
  });

  it("signing in ends the browser's earlier streams with a close that says to reconnect shortly, and no one else's", async () => {
    const before = await stream(`/sse/${WHO_IS_HERE_CHANNEL}`, cookies(ADA_TOKEN));
    const other = await stream(`/sse/${WHO_IS_HERE_CHANNEL}`, cookies(BOB_TOKEN));
    await request(running.demo.app)
      .post('/signin')
      .set(SAME_SITE)
      .set('Cookie', cookies(ADA_TOKEN))
      .type('form')
      .send({ name: 'Ada' })
      .expect(303);
    await before.received(1, 'sse:close');
    expect(JSON.parse(before.data('sse:close')[0])).toEqual({ reconnect: true, after: 250, reason: 'signed in' });
    expect(other.data('sse:close')).toEqual([]);
  });

  it("signing out ends every stream of that user, as revoked, and leaves the other users' streams", async () => {
    const adaStreams = [
      await stream(`/sse/${WHO_IS_HERE_CHANNEL}`, cookies(ADA_TOKEN, 'Ada')),
      await stream(`/sse?channels=dashboard-htmx4,${WHO_IS_HERE_CHANNEL}`, cookies(ADA_TOKEN, 'Ada')),
    ];
    const bob = await stream(`/sse/${WHO_IS_HERE_CHANNEL}`, cookies(BOB_TOKEN, 'Bob'));
    await pollUntil(async () => ((await whoIsHere()).length === 2 ? true : undefined), 'Ada and Bob here');
    const res = await request(running.demo.app)
      .post('/signout')
      .set(SAME_SITE)
      .set({ Cookie: cookies(ADA_TOKEN, 'Ada'), 'HX-Request': 'true' })
      .expect(204);
    expect(setCookies(res)).toEqual([
      'demo_name=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
    ]);
    for (const ended of adaStreams) {
      await ended.received(1, 'sse:close');
      expect(JSON.parse(ended.data('sse:close')[0])).toEqual({ reconnect: false, reason: 'revoked' });
    }
    expect(bob.data('sse:close')).toEqual([]);
    expect(await whoIsHere()).toEqual([`${publicIdOf(BOB_TOKEN)} Bob`]);
    const plain = await request(running.demo.app)
      .post('/signout?dialect=htmx2')
      .set(SAME_SITE)
      .set('Cookie', cookies(BOB_TOKEN, 'Bob'))
      .expect(303);
    expect(plain.headers.location).toBe('/?dialect=htmx2');
    await bob.received(1, 'sse:close');
  });
});
