import { cursorPosition } from '../../lib/protocol/eventId';
import type { GapEventData } from '../../lib/protocol/protocolEvents';
import { openEventSource, RecordingEventSource } from '../support/eventSourceClient';
import type { TestServer } from '../support/testServer';
import { FlappingClient, type FlappingFigures, soakData } from './flappingClient';
import { within } from './within';

/** The shape of one soak run against one server. */
export interface SoakPlan {
  server: TestServer<undefined>;
  durationMs: number;
  /** Channels with flapping clients on them. */
  steadyChannels: number;
  clientsPerChannel: number;
  /** Size of each oversized event on the replay channel; a replay of 8 exceeds `maxBufferedBytes` (1 MiB). */
  bigEventBytes: number;
  /** The server's history size per channel: the replay channel is filled to it first, so its memory is flat from the start. */
  historySize: number;
  /** True while the bus is rightly in trouble (Redis frozen or restarted, and a grace period after). */
  inTrouble: () => boolean;
}

/** What one soak run counted. */
export interface SoakFigures extends FlappingFigures {
  /** Publishes acknowledged on the steady channels. */
  acknowledged: number;
  /** Publishes there that failed (Redis paused or restarting). */
  unacknowledged: number;
  /**
   * Short-lived channels opened, published to and left: each under a name never used before, so
   * their histories pile up unless the bus expires idle channels (`history.idleTtlMs`).
   */
  shortChannels: number;
  /** Clients still waiting for the final marker when the run ended. */
  stuck: number;
  /**
   * Replays of more than `maxBufferedBytes` asked for, and how they ended: all of it received,
   * the client evicted (its stream errored), a gap event (history could not be read, e.g. with
   * Redis frozen), or nothing within 30 s.
   */
  oversized: { requested: number; completed: number; evicted: number; gap: number; unanswered: number };
}

/** The epoch of a stream event id (`<channel>/<position>`). */
function epochOf(id: string): number | undefined {
  return cursorPosition(id)?.epoch;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min));

/**
 * Runs the soak's workload against `plan.server` for `plan.durationMs`: publishers on steady
 * channels with flapping clients that resume from their cursors, short-lived channels opened and
 * left in turn, and replays larger than the client buffer cap asked for. Then every client comes
 * back once more and must reach a final marker. Every loop is bounded by the run's end and by count.
 */
export async function runSoak(plan: SoakPlan): Promise<SoakFigures> {
  const { server } = plan;
  const big = 'b'.repeat(plan.bigEventBytes);
  for (let n = 0; n < plan.historySize; n += 1) await server.broadcaster.publish('big', { data: `fill:${big}` });
  const endAt = Date.now() + plan.durationMs;
  const running = (): boolean => Date.now() < endAt;
  const figures = { acknowledged: 0, unacknowledged: 0, shortChannels: 0 };
  const oversized = { requested: 0, completed: 0, evicted: 0, gap: 0, unanswered: 0 };

  const steady = Array.from({ length: plan.steadyChannels }, (_, index) => {
    const channel = `steady-${index}`;
    const target = { channel, unacknowledged: new Set<number>(), clients: [] as FlappingClient[], sequence: 0 };
    /**
     * A gap is expected while the bus is in trouble; after a restart empty (the client's cursor
     * is of the Redis that was lost: another epoch than the channel's newest id); or when more
     * events than history holds were published since the client's last one.
     */
    const expectedGap = (gap: GapEventData, lastSequence: number | undefined): boolean =>
      plan.inTrouble() ||
      (gap.lastEventId !== '' && gap.latestId !== null && epochOf(gap.lastEventId) !== epochOf(gap.latestId)) ||
      (lastSequence !== undefined && target.sequence - lastSequence >= plan.historySize);
    for (let n = 0; n < plan.clientsPerChannel; n += 1)
      target.clients.push(
        new FlappingClient(`${server.url}/sse/${channel}`, channel, target.unacknowledged, expectedGap),
      );
    return target;
  });

  /** Forgets the failed publishes every client of the channel is past: no client asks about them again. */
  const forgetSettled = (target: (typeof steady)[number]): void => {
    const floor = Math.min(...target.clients.map((client) => client.lastSequence ?? -1));
    for (const sequence of target.unacknowledged) if (sequence <= floor) target.unacknowledged.delete(sequence);
  };

  /** Publishes the channel's next event; true once acknowledged. */
  const publishNext = async (target: (typeof steady)[number]): Promise<boolean> => {
    target.sequence += 1;
    const sequence = target.sequence;
    try {
      await server.broadcaster.publish(target.channel, { data: soakData(target.channel, sequence) });
      figures.acknowledged += 1;
      if (target.unacknowledged.size > 0) forgetSettled(target);
      return true;
    } catch {
      target.unacknowledged.add(sequence);
      figures.unacknowledged += 1;
      return false;
    }
  };

  const publishers = steady.map(async (target) => {
    for (let n = 0; running() && n < 1_000_000; n += 1) await sleep((await publishNext(target)) ? 50 : 200);
  });

  const flappers = steady.flatMap(({ clients }) =>
    clients.map(async (client) => {
      for (let n = 0; running() && n < 100_000; n += 1) {
        await client.open(5000);
        await sleep(between(200, 1500));
        client.close();
        await sleep(between(0, 300));
      }
    }),
  );

  const shortLived = (async () => {
    for (let n = 0; running() && n < 100_000; n += 1) {
      const channel = `short-${n}`;
      const listener = new RecordingEventSource(`${server.url}/sse/${channel}`);
      if (await within(listener.opened(), 5000)) {
        for (let event = 0; event < 5; event += 1)
          await server.broadcaster.publish(channel, { data: `${channel}:${event}` }).catch(() => undefined);
        await within(listener.received(5), 2000);
      }
      listener.close();
      figures.shortChannels += 1;
      await sleep(100);
    }
  })();

  const oversizedReplays = (async () => {
    const ids: string[] = [];
    for (let n = 0; running() && n < 100_000; n += 1) {
      const published = await server.broadcaster.publish('big', { data: `${n}:${big}` }).catch(() => undefined);
      if (published) ids.push(published.id);
      if (ids.length > 16) ids.shift();
      if (n % 6 !== 5 || ids.length < 9) {
        await sleep(500);
        continue;
      }
      oversized.requested += 1;
      const latest = ids.at(-1) as string;
      // Events are checked as they arrive, not kept: a replay is over 1 MiB.
      const replay = openEventSource(`${server.url}/sse/big`, { 'Last-Event-ID': ids[0] });
      let outcome: 'completed' | 'evicted' | 'gap' | 'unanswered' = 'unanswered';
      await within(
        new Promise<void>((resolve) => {
          const end = (how: typeof outcome): void => {
            if (outcome === 'unanswered') outcome = how;
            resolve();
          };
          replay.addEventListener('error', () => end('evicted'));
          replay.addEventListener('sse:gap', () => end('gap'));
          replay.addEventListener('message', (event) => {
            if (event.lastEventId === latest) end('completed');
          });
        }),
        30_000,
      );
      replay.close();
      oversized[outcome] += 1;
    }
  })();

  await Promise.all([...publishers, ...flappers, shortLived, oversizedReplays]);

  // Every client comes back once more and must reach a marker published after all of them are open.
  const clients = steady.flatMap((target) => target.clients);
  await Promise.all(clients.map((client) => client.open(10_000)));
  const markers = await Promise.all(
    steady.map(async (target) => {
      for (let attempt = 0; attempt < 100 && !(await publishNext(target)); attempt += 1) await sleep(200);
      return target.sequence;
    }),
  );
  let stuck = 0;
  await Promise.all(
    steady.map(async (target, index) => {
      for (const client of target.clients) if (!(await within(client.reached(markers[index]), 30_000))) stuck += 1;
    }),
  );
  for (const client of clients) client.close();

  const totals: FlappingFigures = { sessions: 0, received: 0, lost: 0, misordered: 0, gaps: 0, unexpectedGaps: 0 };
  for (const client of clients)
    for (const key of Object.keys(totals) as (keyof FlappingFigures)[]) totals[key] += client.figures[key];
  return { ...totals, ...figures, stuck, oversized };
}
