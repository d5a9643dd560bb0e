import { Writable } from 'node:stream';
import { type Broadcaster, createBroadcaster } from '../../lib/broadcast/broadcaster';
import { EventStreamParser } from '../../lib/protocol/eventStreamParser';
import { PRESENCE_EVENT, type PresenceEventData } from '../../lib/protocol/protocolEvents';
import { RedisBus } from '../../redis';
import { memoryAfterGc } from '../support/heapAfterGc';
import { RedisServer } from '../support/redisServer';

/** `npm run soak:presence` sets PRESENCE_LOAD_MS=30000; inside `npm test` the churn runs for 6 s. */
const CHURN_MS = Number(process.env.PRESENCE_LOAD_MS ?? 6000);
const MEMBERS = 5000;
/** Joins and leaves per second (each step: this many / 10 leave and as many join). */
const CHURN_PER_SECOND = 500;
const STEP_MS = 100;
const INTERVAL_MS = 1000;
const MiB = 1024 * 1024;

/** A response stand-in that discards what it gets (a member's stream). */
const nullResponse = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

/** A response stand-in that keeps the presence events written to it, and when each came. */
class Watcher extends Writable {
  readonly events: { at: number; data: PresenceEventData; bytes: number }[] = [];
  readonly #parser = new EventStreamParser();
  constructor() {
    super({
      write: (chunk: Buffer, _encoding, done) => {
        for (const block of this.#parser.push(chunk))
          if (block.type === PRESENCE_EVENT)
            this.events.push({
              at: Date.now(),
              data: JSON.parse(block.data) as PresenceEventData,
              bytes: Buffer.byteLength(block.data),
            });
        done();
      },
    });
  }
}

/**
 * Presence under load (issue 23's acceptance 2), on two processes sharing one Redis: 5,000 members
 * on one channel, then 500 joins and 500 leaves a second. Presence traffic stays at one event per
 * interval per stream, the heap stays bounded while the members churn, and memory comes back to
 * within 10 MiB of where it started once every member has left. Prints its figures.
 */
describe('presence under churn', () => {
  let redis: RedisServer;
  const processes: Broadcaster[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.close()));
    await redis?.dispose();
  });

  it(`keeps ${MEMBERS} members with ${CHURN_PER_SECOND} joins and leaves a second to one event per interval, and returns its memory`, async () => {
    for (let n = 0; n < 2; n += 1) {
      const bus = new RedisBus({ url: redis.url, keyPrefix: 'presence-load:', statsIntervalMs: 1000 });
      await bus.ready();
      processes.push(createBroadcaster({ bus, presence: { intervalMs: INTERVAL_MS } }));
    }
    const watcher = new Watcher();
    processes[1]!.connect(watcher, { channel: 'board', metadata: undefined });
    const baseline = memoryAfterGc();

    const members: { stream: Writable; id: string }[] = [];
    let next = 0;
    const join = (): void => {
      const id = `member-${next}`;
      const stream = nullResponse();
      processes[next % 2]!.connect(stream, { channel: 'board', metadata: undefined, presence: { board: { id } } });
      members.push({ stream, id });
      next += 1;
    };
    // In steps, as clients arrive: each stream's start is a read of Redis.
    for (let n = 0; n < MEMBERS; n += 1) {
      join();
      if (n % 250 === 249) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const joinedAt = Date.now();
    while (watcher.events.at(-1)?.data.count !== MEMBERS) {
      if (Date.now() - joinedAt > 20_000)
        throw new Error(
          `the ${MEMBERS} members were not told within 20 s: ${JSON.stringify(watcher.events.map((e) => e.data.count))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const full = memoryAfterGc();

    // Churn: every step, the oldest members leave and as many new ones join.
    const churnStart = Date.now();
    const before = watcher.events.length;
    const heap: number[] = [];
    const perStep = (CHURN_PER_SECOND * STEP_MS) / 1000;
    for (let step = 0; step < CHURN_MS / STEP_MS; step += 1) {
      for (const { stream } of members.splice(0, perStep)) stream.destroy();
      for (let n = 0; n < perStep; n += 1) join();
      await new Promise((resolve) => setTimeout(resolve, STEP_MS));
      if (step % 10 === 9) heap.push(memoryAfterGc());
    }
    const churnMs = Date.now() - churnStart;
    const during = watcher.events.slice(before);
    const gaps = during.slice(1).map((event, n) => event.at - during[n]!.at);

    for (const { stream } of members.splice(0)) stream.destroy();
    const emptiedAt = Date.now();
    while (watcher.events.at(-1)?.data.count !== 0) {
      if (Date.now() - emptiedAt > 20_000) throw new Error('the last leaves were not told within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Two more intervals: the boards' last shares and reads settle.
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS));
    const after = memoryAfterGc();

    const figures = {
      members: MEMBERS,
      churnPerSecond: CHURN_PER_SECOND,
      churnMs,
      presenceEvents: during.length,
      eventsPerSecond: Number(((during.length * 1000) / churnMs).toFixed(2)),
      shortestGapMs: Math.min(...gaps),
      largestEventBytes: Math.max(...during.map((event) => event.bytes)),
      baselineMiB: Number((baseline / MiB).toFixed(1)),
      withMembersMiB: Number((full / MiB).toFixed(1)),
      peakDuringChurnMiB: Number((Math.max(...heap) / MiB).toFixed(1)),
      afterAllLeftMiB: Number((after / MiB).toFixed(1)),
    };
    console.log(`presence load: ${JSON.stringify(figures)}`);

    // One event per interval: never two within less than most of an interval, and no more than the intervals.
    expect(Math.min(...gaps)).toBeGreaterThan(INTERVAL_MS * 0.5);
    expect(during.length).toBeLessThanOrEqual(Math.ceil(churnMs / INTERVAL_MS) + 1);
    // Bounded: the churn holds as many members as before, so memory stays near the full channel's.
    expect(Math.max(...heap)).toBeLessThan(full + 32 * MiB);
    expect(after - baseline).toBeLessThan(10 * MiB);
  }, 120_000);
});
