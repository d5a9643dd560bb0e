import { RedisBoardStore } from '../../demo/board/redisBoardStore';
import type { JobEvent } from '../../demo/jobs/jobRunner';
import { JobRunner } from '../../demo/jobs/jobRunner';
import { RedisJobStore } from '../../demo/jobs/redisJobStore';
import { connectDemoRedis, type DemoRedis } from '../../demo/sharedState';
import { pollUntil } from '../lib/redis/settleWithin';
import { RedisServer } from '../support/redisServer';

/** Two demo processes' state on one Redis of the test's own: each its own connection, as in the cluster. */
describe('demo state shared on Redis', () => {
  let redis: RedisServer;
  const clients: DemoRedis[] = [];
  const stoppers: (() => void)[] = [];
  let prefix = '';
  let run = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  beforeEach(() => {
    run += 1;
    prefix = `demo-state-${run}:`;
  });
  afterEach(async () => {
    for (const stop of stoppers.splice(0)) stop();
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  async function client(): Promise<DemoRedis> {
    const connected = await connectDemoRedis(redis.url);
    clients.push(connected);
    return connected;
  }

  async function jobStores(options: { leaseMs?: number } = {}): Promise<[RedisJobStore, JobRunner][]> {
    return Promise.all(
      [1, 2].map(async () => {
        const runner = new JobRunner({ tickMs: 20 });
        const store = new RedisJobStore(await client(), prefix, runner, options);
        stoppers.push(
          () => store.stop(),
          () => runner.stop(),
        );
        return [store, runner] as [RedisJobStore, JobRunner];
      }),
    );
  }

  it('keeps every note two processes add at once, and tells only the changing process', async () => {
    const [a, b] = [new RedisBoardStore(await client(), prefix), new RedisBoardStore(await client(), prefix)];
    const changes: string[] = [];
    a.on('change', () => changes.push('a'));
    b.on('change', () => changes.push('b'));
    await Promise.all(Array.from({ length: 10 }, (_, n) => (n % 2 === 0 ? a : b).add(`note ${n}`, [`tab-${n}`])));
    const seen = await b.snapshot();
    expect(seen.items.map((item) => item.text).sort()).toEqual(
      Array.from({ length: 10 }, (_, n) => `note ${n}`).sort(),
    );
    expect(seen.version).toBe(10);
    expect(changes.filter((name) => name === 'a')).toHaveLength(5);
    expect(await a.toggle(seen.items[0].id)).toBe(true);
    expect(await b.toggle('nope')).toBe(false);
    expect(await b.clearDone()).toBe(1);
    expect((await a.snapshot()).items).toHaveLength(9);
    expect(await a.version()).toBe(12);
    await expect(a.add('  ')).rejects.toThrow(TypeError);
  });

  it('caps running jobs over both processes, lists them alike, and cancels one from the other process', async () => {
    const [[a, runnerA], [b, runnerB]] = await jobStores();
    const started = [];
    for (let n = 0; n < 10; n += 1) started.push(await (n < 5 ? a : b).start(`job ${n}`, 60_000));
    await expect(a.start('one too many', 60_000)).rejects.toThrow(RangeError);
    await expect(b.start('one too many', 60_000)).rejects.toThrow(/at most 10 jobs run at once/);
    expect((await a.list()).map((job) => job.id)).toEqual((await b.list()).map((job) => job.id));
    expect(new Set((await b.list()).map((job) => job.id))).toEqual(new Set(started.map((job) => job.id)));

    const endedInB: JobEvent[] = [];
    b.on('job', (event) => endedInB.push(event));
    const target = started[0];
    expect(runnerA.get(target.id)?.status).toBe('running');
    expect((await b.cancel(target.id))?.status).toBe('cancelled');
    expect(endedInB.map((event) => [event.type, event.job.id])).toEqual([['job:cancelled', target.id]]);
    expect((await a.get(target.id))?.status).toBe('cancelled');
    // The process running it stops at its next write (progress or lease), without a report.
    await pollUntil(
      async () => (runnerA.get(target.id) === undefined ? true : undefined),
      'process A stopping the job',
    );
    expect((await a.get(target.id))?.status).toBe('cancelled');
    expect(await b.cancel('nope')).toBeUndefined();
    // A freed place: one more may start, from either process.
    expect((await b.start('now there is room', 60_000)).status).toBe('running');
    expect(runnerB.list()).toHaveLength(6);
  });

  it("reports a job of this process only once Redis has it, and ends a dead process's jobs when their lease runs out", async () => {
    const [[a, runnerA], [b]] = await jobStores({ leaseMs: 300 });
    const events: string[] = [];
    a.on('job', (event) => events.push(event.type));
    const quick = await a.start('quick', 150);
    await pollUntil(async () => (events.includes('job:completed') ? true : undefined), 'the quick job completing');
    expect(events[0]).toBe('job:started');
    expect((await b.get(quick.id))?.progress).toBe(100);

    const orphan = await a.start('orphan', 60_000);
    // Process A dies: nothing renews its lease any more.
    a.stop();
    runnerA.stop();
    const ended = await pollUntil(async () => {
      const job = await b.get(orphan.id);
      return job?.status === 'cancelled' ? job : undefined;
    }, 'the orphan ending once its lease ran out');
    expect(ended.endedAt).toBeGreaterThan(orphan.startedAt);
  });
});
