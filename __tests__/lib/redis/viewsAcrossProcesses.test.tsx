/**
 * Views across processes on Redis (issue 25, acceptance 1): three viewers, `admin`, `member` and
 * `member`, on one channel held by two processes; one publish gives each the HTML of its role, each
 * process renders once per audience among its own streams, and a stream that drops and comes back
 * (on a third process, which never rendered the event) is replayed the HTML it would have read live.
 */
import type { Request } from 'express';
import { CONNECTION_EVENT } from '../../../lib/protocol/protocolEvents';
import { RedisBus } from '../../../redis';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { RedisServer } from '../../support/redisServer';
import { startTestServer, type TestServer } from '../../support/testServer';
import { settleWithin } from './settleWithin';

interface Viewer {
  role: string;
}

interface Task {
  title: string;
  secret: string;
}

/** The task as a role sees it: only an admin sees the secret and the delete button. */
function TaskView({ task, role }: { task: Task; role: string }): JSX.Element {
  return (
    <li class="task">
      <span safe>{task.title}</span>
      {role === 'admin' ? (
        <>
          <small safe>{task.secret}</small>
          <button type="button">delete</button>
        </>
      ) : (
        ''
      )}
    </li>
  );
}

describe('views across processes on Redis', () => {
  let redis: RedisServer;
  const servers: TestServer<Viewer>[] = [];
  const clients: RecordingEventSource[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.close()));
    await redis.dispose();
  });

  /** A process on the test's Redis with the task view; `renders` counts its render calls by role. */
  async function processWithView(renders: Map<string, number>): Promise<TestServer<Viewer>> {
    const bus = new RedisBus({ url: redis.url, keyPrefix: 'views:', commandTimeoutMs: 2000, blockMs: 1000 });
    await bus.ready();
    const server = await startTestServer<Viewer>(
      { metadata: (req: Request) => ({ role: String(req.query.role) }) },
      { bus },
    );
    server.broadcaster.view<Task>('task', {
      audience: (viewer) => viewer.role,
      render: (task, viewer) => {
        renders.set(viewer.role, (renders.get(viewer.role) ?? 0) + 1);
        return <TaskView task={task} role={viewer.role} />;
      },
    });
    servers.push(server);
    return server;
  }

  async function listen(
    server: TestServer<Viewer>,
    role: string,
    headers: Record<string, string> = {},
  ): Promise<RecordingEventSource> {
    const client = new RecordingEventSource(
      `${server.url}/sse/tasks?role=${role}`,
      ['task', CONNECTION_EVENT],
      headers,
    );
    clients.push(client);
    await settleWithin(client.received(1, CONNECTION_EVENT), 5000, `the ${role} stream opens`);
    return client;
  }

  it('gives each viewer its role’s HTML, renders once per audience per process, and replays what was live', async () => {
    const rendersA = new Map<string, number>();
    const rendersB = new Map<string, number>();
    const a = await processWithView(rendersA);
    const b = await processWithView(rendersB);
    const admin = await listen(a, 'admin');
    const memberOnA = await listen(a, 'member');
    const memberOnB = await listen(b, 'member');
    const cursor = await b.broadcaster.cursor();

    // Published from b: the data is stored once, on Redis, and each process renders its own audiences.
    const first = await b.broadcaster.publish('tasks', { event: 'task', data: { title: 'Ship <v2>', secret: 'k-42' } });
    for (const client of [admin, memberOnA, memberOnB])
      await settleWithin(client.received(1, 'task'), 5000, 'the task reaches every viewer');

    const adminHtml =
      '<li class="task"><span>Ship &lt;v2></span><small>k-42</small><button type="button">delete</button></li>';
    const memberHtml = '<li class="task"><span>Ship &lt;v2></span></li>';
    expect(admin.data('task')).toEqual([adminHtml]);
    expect(memberOnA.data('task')).toEqual([memberHtml]);
    expect(memberOnB.data('task')).toEqual([memberHtml]);
    expect(new Set([admin, memberOnA, memberOnB].map((client) => client.events.at(-1)!.lastEventId))).toEqual(
      new Set([first.id]),
    );
    expect(Object.fromEntries(rendersA)).toEqual({ admin: 1, member: 1 });
    expect(Object.fromEntries(rendersB)).toEqual({ member: 1 });
    // What history holds is the data, once: not any audience's rendering.
    const [stored] = await a.broadcaster.recent('tasks', { limit: 1 });
    expect(JSON.parse(stored.data)).toEqual({ title: 'Ship <v2>', secret: 'k-42' });

    // The member on b drops; a second task is published meanwhile; it comes back on a third process.
    memberOnB.close();
    await b.broadcaster.publish('tasks', { event: 'task', data: { title: 'Write notes', secret: 'k-43' } });
    await settleWithin(memberOnA.received(2, 'task'), 5000, 'the second task reaches the member on a');
    const rendersC = new Map<string, number>();
    const c = await processWithView(rendersC);
    const back = await listen(c, 'member', { 'Last-Event-ID': cursor });
    await settleWithin(back.received(2, 'task'), 5000, 'the member is replayed both tasks');
    expect(back.data('task')).toEqual(memberOnA.data('task'));
    expect(Object.fromEntries(rendersC)).toEqual({ member: 2 });
  });
});
