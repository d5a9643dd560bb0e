import { RedisBus, RedisBusError, type RedisBusState } from '../../../redis';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { memoryAfterGc } from '../../support/heapAfterGc';
import { RedisServer } from '../../support/redisServer';
import { startTestServer, type TestServer } from '../../support/testServer';
import { pollUntil, publishWhenAccepted, settleWithin } from './settleWithin';

const PAUSE_MS = 15_000;
const PUBLISHES_PER_TURN = 8;
const PAYLOAD = 'x'.repeat(2048);
const MAX_PENDING_COMMANDS = 1000;
const MAX_PENDING_BYTES = 1024 * 1024;
/**
 * The stated bound on what a frozen Redis may make the process hold: the payload cap, the
 * commands' own encoding of it once more in the socket buffer, and 2 KiB per pending command
 * (client queue entry, promises, deadline timer), plus 8 MiB for the test's own records.
 */
const MEMORY_BOUND = 2 * MAX_PENDING_BYTES + MAX_PENDING_COMMANDS * 2048 + 8 * 1024 * 1024;

/** True when `promise` has rejected before the event loop's next turn: settled at once, no I/O or timer involved. */
async function rejectsAtOnce(promise: Promise<unknown>): Promise<unknown> {
  const nextTurn = new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')));
  return Promise.race([
    promise.then(
      () => 'resolved',
      (error: unknown) => error,
    ),
    nextTurn,
  ]);
}

describe('RedisBus with a stalled Redis', () => {
  let redis: RedisServer;
  let server: TestServer<undefined> | undefined;
  let client: RecordingEventSource | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    redis.resume();
    client?.close();
    await server?.close();
  });

  afterAll(async () => {
    await redis.dispose();
  });

  it('holds memory within its bound through a 15 s freeze at full publish rate, refuses at once past the cap, reports degraded, and loses nothing acknowledged', async () => {
    const bus = new RedisBus({
      url: redis.url,
      keyPrefix: 'stalled:',
      commandTimeoutMs: 2000,
      blockMs: 1000,
      maxPendingCommands: MAX_PENDING_COMMANDS,
      maxPendingBytes: MAX_PENDING_BYTES,
    });
    await bus.ready();
    server = await startTestServer<undefined>({ stats: true }, { bus });
    const running = server;
    client = new RecordingEventSource(`${running.url}/sse/load`);
    await client.started();

    const acknowledged: string[] = [];
    const failures = new Map<string, number>();
    let publishing = true;
    let sequence = 0;
    const publishOne = async (): Promise<void> => {
      sequence += 1;
      const data = `${sequence}:${PAYLOAD}`;
      try {
        await running.broadcaster.publish('load', { data });
        acknowledged.push(data);
      } catch (error) {
        expect(error).toBeInstanceOf(RedisBusError);
        const kind = /refused/.test((error as Error).message) ? 'refused' : 'timed out';
        failures.set(kind, (failures.get(kind) ?? 0) + 1);
      }
    };
    // Full rate: like an app publishing on every request, it does not wait for one publish to
    // finish before the next. Bounded by time (it stops after the freeze) and by count.
    const publishing_ = (async () => {
      const outcomes: Promise<void>[] = [];
      for (let turn = 0; publishing && turn < 1_000_000; turn += 1) {
        for (let n = 0; n < PUBLISHES_PER_TURN; n += 1) outcomes.push(publishOne());
        await new Promise((resolve) => setImmediate(resolve));
        if (outcomes.length > 10_000) await Promise.all(outcomes.splice(0));
      }
      await Promise.all(outcomes);
    })();
    await settleWithin(
      client.until(() => client !== undefined && client.events.length >= 1000),
      30_000,
      '1000 events delivered before the freeze',
    );
    const before = memoryAfterGc();
    const ackedBefore = acknowledged.length;

    redis.pause();
    let peak = 0;
    let sawDegraded = false;
    const frozenUntil = Date.now() + PAUSE_MS;
    for (let sample = 0; sample < 60 && Date.now() < frozenUntil; sample += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      peak = Math.max(peak, memoryAfterGc() - before);
      const state = running.broadcaster.stats().bus as RedisBusState;
      sawDegraded ||= state.degraded;
      expect(state.pendingCommands).toBeLessThanOrEqual(MAX_PENDING_COMMANDS);
      expect(state.pendingBytes).toBeLessThanOrEqual(MAX_PENDING_BYTES);
    }
    const frozen = bus.state();
    const refusal = await rejectsAtOnce(running.broadcaster.publish('load', { data: `probe:${PAYLOAD}` }));
    const stats = (await (await fetch(`${running.url}/sse/_stats`)).json()) as { bus: RedisBusState };
    redis.resume();

    await pollUntil(async () => (bus.state().degraded ? undefined : true), 'healthy again after resume');
    publishing = false;
    await settleWithin(publishing_, 30_000, 'the publishing stops');
    await publishWhenAccepted(running.broadcaster, 'load', 'marker', 'a publish after the resume');
    await settleWithin(
      client.until(() => client?.data().includes('marker') === true),
      30_000,
      'the marker arrives',
    );

    console.log(
      `stalled Redis: ${(peak / 1048576).toFixed(1)} MiB peak growth (bound ${(MEMORY_BOUND / 1048576).toFixed(1)} MiB), ` +
        `${acknowledged.length} acknowledged (${ackedBefore} before the freeze), ` +
        `${failures.get('refused') ?? 0} refused at once, ${failures.get('timed out') ?? 0} timed out`,
    );
    expect(sawDegraded).toBe(true);
    expect(frozen).toMatchObject({ degraded: true, connected: true });
    expect(stats.bus).toMatchObject({ degraded: true });
    expect(refusal).toBeInstanceOf(RedisBusError);
    expect((refusal as Error).message).toMatch(
      /^publish to load: refused, \d+ commands \(\d+ bytes\) already wait for Redis; the caps are maxPendingCommands 1000 and maxPendingBytes 1048576$/,
    );
    expect(failures.get('refused')).toBeGreaterThan(0);
    expect(peak).toBeLessThan(MEMORY_BOUND);
    expect(bus.state()).toMatchObject({ degraded: false, connected: true });
    const received = new Set(client.data());
    const lost = acknowledged.filter((data) => !received.has(data));
    expect(lost).toEqual([]);
  }, 120_000);
});
