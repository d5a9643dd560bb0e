import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Broadcaster, createBroadcaster, MemoryBus } from '../../../index';
import { ManualClock } from '../../support/manualClock';
import { startTestServer } from '../../support/testServer';

// `gc()` without starting node with --expose-gc: a fresh context sees the flag.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const IDLE_TTL_MS = 60_000;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i += 1) collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A response stand-in for streams driven in-process: a real Writable that discards what it gets. */
function nullResponse(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** The history the default bus holds. */
function held(broadcaster: Broadcaster<undefined>): { channels: unknown; bytes: unknown } {
  const { bus } = broadcaster.stats();
  return { channels: bus.channels, bytes: bus.historyBytes };
}

/** A broadcaster whose in-memory history expires idle channels on `clock`. */
function expiringBroadcaster(clock: ManualClock): Broadcaster<undefined> {
  return createBroadcaster<undefined>({ bus: new MemoryBus({ idleTtlMs: IDLE_TTL_MS }, clock) });
}

/** Resolves once `broadcaster` has seen `count` streams end. */
function disconnects(broadcaster: Broadcaster<undefined>, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    broadcaster.on('disconnect', () => {
      seen += 1;
      if (seen === count) resolve();
    });
  });
}

/** Opens `count` streams on distinct channels with garbage cursors, in-process, and closes them again. */
async function garbageStreams(broadcaster: Broadcaster<undefined>, count: number, offset = 0): Promise<void> {
  const BATCH = 1000;
  for (let start = 0; start < count; start += BATCH) {
    const targets: Writable[] = [];
    for (let i = start; i < Math.min(start + BATCH, count); i += 1) {
      const target = nullResponse();
      broadcaster.connect(target, {
        channel: `unknown-${offset + i}`,
        metadata: undefined,
        lastEventId: `garbage-${i}`,
      });
      targets.push(target);
    }
    await new Promise((resolve) => setImmediate(resolve)); // replays answered
    await Promise.all(targets.map((target) => new Promise((resolve) => target.destroy().once('close', resolve))));
  }
}

describe('channels expire', () => {
  it('100,000 streams with garbage cursors and 20,000 one-off channels leave nothing after idleTtlMs', async () => {
    const clock = new ManualClock();
    const broadcaster = expiringBroadcaster(clock);
    await garbageStreams(broadcaster, 2000, 1_000_000); // warm up, so the baseline includes compiled code
    const baseline = heapAfterGc();

    await garbageStreams(broadcaster, 100_000);
    expect(held(broadcaster)).toEqual({ channels: 0, bytes: 0 }); // a cursor never creates history
    expect(broadcaster.stats().connections).toBe(0);

    // What the 100,000 streams left collectable is gone by now; measured from here, only the channels add.
    const beforeChannels = heapAfterGc();
    for (let i = 0; i < 20_000; i += 1) await broadcaster.publish(`job-${i}`, { data: `job ${i} done` });
    expect(held(broadcaster).channels).toBe(20_000);
    const grown = heapAfterGc();
    expect(grown - beforeChannels).toBeGreaterThan(MiB); // the channels were really held

    // Idle channels are kept for idleTtlMs, and swept within half of it more.
    clock.advance(IDLE_TTL_MS - 1);
    expect(held(broadcaster).channels).toBe(20_000);
    clock.advance(IDLE_TTL_MS / 2 + 1);
    expect(held(broadcaster)).toEqual({ channels: 0, bytes: 0 });
    expect(clock.pending).toBe(0); // nothing left to sweep: the sweeper stopped
    expect(heapAfterGc() - baseline).toBeLessThan(10 * MiB);
    await broadcaster.close();
  }, 300_000); // 25-35 s alone; far more beside other heavy suites on a loaded machine

  it('creates no history for stream requests with garbage cursors over HTTP', async () => {
    const server = await startTestServer();
    try {
      const allClosed = disconnects(server.broadcaster, 50);
      for (let i = 0; i < 50; i += 1) {
        const url = `${server.url}/sse/unknown-${i}?lastEventId=garbage-${i}`;
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest(url, { agent: false }, (res) => {
            res.destroy();
            resolve();
          });
          req.on('error', reject).end();
        });
      }
      await allClosed;
      expect(server.broadcaster.stats().connections).toBe(0);
      expect(held(server.broadcaster)).toEqual({ channels: 0, bytes: 0 });
    } finally {
      await server.close();
    }
  });

  it('keeps the history of a channel with an open stream, and drops it once the stream closes', async () => {
    const clock = new ManualClock();
    const broadcaster = expiringBroadcaster(clock);
    const target = nullResponse();
    broadcaster.connect(target, { channel: 'watched', metadata: undefined });
    const kept = await broadcaster.publish('watched', { data: 'kept while watched' });
    await broadcaster.publish('unwatched', { data: 'dropped' });
    clock.advance(IDLE_TTL_MS * 4);
    expect(held(broadcaster).channels).toBe(1);
    expect(await broadcaster.history('watched', { since: kept.id })).toEqual({ kind: 'events', events: [] });

    await new Promise((resolve) => target.destroy().once('close', resolve));
    expect(held(broadcaster).channels).toBe(1); // closing a stream drops nothing by itself
    clock.advance(IDLE_TTL_MS / 2);
    expect(held(broadcaster).channels).toBe(0);
    expect((await broadcaster.history('watched', { since: kept.id })).kind).toBe('gap');
    await broadcaster.close();
  });
});
