/**
 * Views (issue 25, point 1) on the in-memory bus: an event stored once, rendered once per audience
 * among the streams of this process, live and on replay; the event as published where a view does
 * not apply; a failing view reported, never leaking the data it renders.
 */
import type { Request } from 'express';
import type { ViewFailure } from '../../../index';
import { CONNECTION_EVENT } from '../../../lib/protocol/protocolEvents';
import { BatchingBus } from '../../support/batchingBus';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { startTestServer, type TestServer } from '../../support/testServer';

interface Viewer {
  role?: string;
  name: string;
}

interface Comment {
  text: string;
  author: string;
}

const viewerOf = (req: Request): Viewer => ({
  role: typeof req.query.role === 'string' ? req.query.role : undefined,
  name: String(req.query.name ?? 'anonymous'),
});

function CommentView({ comment, viewer }: { comment: Comment; viewer: Viewer }): JSX.Element {
  return (
    <p class="comment">
      <span safe>{comment.text}</span>
      {viewer.role === 'admin' ? <button type="button">edit</button> : ''}
    </p>
  );
}

describe('broadcaster.view: per-viewer events rendered once per audience', () => {
  let server: TestServer<Viewer>;
  const clients: RecordingEventSource[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  async function listen(query: string, headers: Record<string, string> = {}): Promise<RecordingEventSource> {
    const client = new RecordingEventSource(`${server.url}/sse${query}`, ['comment', CONNECTION_EVENT], headers);
    clients.push(client);
    // Its first event: every event published from now on is owed to it.
    await client.received(1, CONNECTION_EVENT);
    return client;
  }

  /** Registers the comment view; `renders` collects the audience of each render call. */
  function commentView(renders: string[]): void {
    server.broadcaster.view<Comment>('comment', {
      audience: (viewer) => viewer.role,
      render: (comment, viewer) => {
        renders.push(viewer.role ?? '');
        return <CommentView comment={comment} viewer={viewer} />;
      },
    });
  }

  it('renders once per audience, writes each stream its audience’s HTML, and gives a stream with no audience the event as published', async () => {
    server = await startTestServer<Viewer>({ metadata: viewerOf });
    const renders: string[] = [];
    commentView(renders);
    const admin = await listen('/board?role=admin&name=ann');
    const members = [await listen('/board?role=member&name=bo'), await listen('/board?role=member&name=cy')];
    const anonymous = await listen('/board');

    await server.broadcaster.publish('board', { event: 'comment', data: { text: 'hello <world>', author: 'ann' } });
    for (const client of [admin, ...members, anonymous]) await client.received(1, 'comment');

    expect(admin.data('comment')).toEqual([
      '<p class="comment"><span>hello &lt;world></span><button type="button">edit</button></p>',
    ]);
    for (const member of members)
      expect(member.data('comment')).toEqual(['<p class="comment"><span>hello &lt;world></span></p>']);
    expect(JSON.parse(anonymous.data('comment')[0])).toEqual({ text: 'hello <world>', author: 'ann' });
    expect(renders.sort()).toEqual(['admin', 'member']);
    // One id for everyone: the event is one event, whatever each stream read of it.
    expect(new Set([admin, ...members, anonymous].map((client) => client.events.at(-1)!.lastEventId)).size).toBe(1);
  });

  it('replays an event rendered for the stream’s audience, as live, on a stream of several channels too', async () => {
    server = await startTestServer<Viewer>({ metadata: viewerOf });
    const renders: string[] = [];
    commentView(renders);
    const live = await listen('/board?role=admin');
    const cursor = await server.broadcaster.cursor();
    await server.broadcaster.publish('board', { event: 'comment', data: { text: 'first', author: 'bo' } });
    await server.broadcaster.publish('other', { event: 'comment', data: { text: 'elsewhere', author: 'bo' } });
    await live.received(1, 'comment');

    const back = await listen('?channels=board,other&role=admin', { 'Last-Event-ID': cursor });
    await back.received(2, 'comment');
    expect(back.data('comment')[0]).toBe(live.data('comment')[0]);
    expect(back.data('comment')[1]).toBe(
      '<p class="comment"><span>elsewhere</span><button type="button">edit</button></p>',
    );
    // The live stream's rendering served the replay; `other` had no admin stream until now.
    expect(renders).toEqual(['admin', 'admin']);
  });

  it('groups the streams of each audience in a batch delivery, with their own frames', async () => {
    const batching = new BatchingBus();
    server = await startTestServer<Viewer>({ metadata: viewerOf }, { bus: batching.bus });
    const renders: string[] = [];
    commentView(renders);
    const admin = await listen('/board?role=admin');
    const member = await listen('/board?role=member');
    await server.broadcaster.publish('board', { event: 'comment', data: { text: 'one', author: 'a' } });
    await server.broadcaster.publish('board', { data: 'plain' });
    await server.broadcaster.publish('board', { event: 'comment', data: { text: 'two', author: 'a' } });
    expect(batching.flush()).toEqual([2, 2, 2]);
    await admin.received(2, 'comment');
    await member.received(2, 'comment');
    expect(member.data('comment')).toEqual([
      '<p class="comment"><span>one</span></p>',
      '<p class="comment"><span>two</span></p>',
    ]);
    expect(admin.data('comment')[1]).toContain('<button');
    expect(admin.data()).toEqual(['plain']);
    expect(renders.sort()).toEqual(['admin', 'admin', 'member', 'member']);
  });

  it('reports a view that throws or answers a promise, and leaves only its audience without the event', async () => {
    server = await startTestServer<Viewer>({ metadata: viewerOf });
    const failures: [string, ViewFailure][] = [];
    server.broadcaster.on('viewError', (error, failure) => failures.push([error.message, failure]));
    server.broadcaster.view<Comment>('comment', {
      audience: (viewer) => viewer.role,
      render: (comment, viewer) => {
        if (viewer.role === 'broken') throw new Error('no template');
        if (viewer.role === 'async') return Promise.resolve('<p>late</p>');
        return `<p>${comment.text}</p>`;
      },
    });
    const broken = await listen('/board?role=broken');
    const late = await listen('/board?role=async');
    const fine = await listen('/board?role=member');
    const result = await server.broadcaster.publish('board', { event: 'comment', data: { text: 'x', author: 'a' } });
    await server.broadcaster.publish('board', { data: 'after' });
    for (const client of [broken, late, fine]) await client.received(1);

    expect(fine.data('comment')).toEqual(['<p>x</p>']);
    expect(broken.data('comment')).toEqual([]);
    expect(late.data('comment')).toEqual([]);
    expect(result.delivered).toBe(1);
    expect(failures).toEqual([
      ['no template', { channel: 'board', event: 'comment', id: result.id, audience: 'broken' }],
      [expect.stringMatching(/promise/), { channel: 'board', event: 'comment', id: result.id, audience: 'async' }],
    ]);
  });

  it('refuses a bad view, a second view of one event, and a bad audience key; a removed view renders no more', async () => {
    server = await startTestServer<Viewer>({ metadata: viewerOf });
    const { broadcaster } = server;
    expect(() => broadcaster.view('', { audience: () => 'a', render: () => '' })).toThrow(
      /event must be a non-empty string, got ""/,
    );
    expect(() => broadcaster.view('bad\nname', { audience: () => 'a', render: () => '' })).toThrow(TypeError);
    expect(() => broadcaster.view('comment', null as never)).toThrow(/expected \{ audience, render \}, got null/);
    expect(() => broadcaster.view('comment', { audience: 'role', render: () => '' } as never)).toThrow(
      /audience must be a function, got "role"/,
    );
    const remove = broadcaster.view('comment', { audience: () => ({}) as never, render: () => 'never' });
    expect(() => broadcaster.view('comment', { audience: () => 'a', render: () => '' })).toThrow(/has a view already/);

    const failures: string[] = [];
    broadcaster.on('viewError', (error) => failures.push(error.message));
    const client = await listen('/board?role=member');
    await broadcaster.publish('board', { event: 'comment', data: { text: 'x', author: 'a' } });
    remove();
    await broadcaster.publish('board', { event: 'comment', data: { text: 'y', author: 'a' } });
    await client.received(1, 'comment');
    expect(failures).toEqual([expect.stringMatching(/audience must be a string, a finite number or undefined, got/)]);
    expect(client.data('comment').map((data) => JSON.parse(data).text)).toEqual(['y']);
  });
});
