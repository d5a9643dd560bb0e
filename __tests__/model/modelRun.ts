import fc from 'fast-check';
import type { Broadcaster } from '../../lib/broadcast/broadcaster';
import { parseFrame } from '../../lib/protocol/eventStreamParser';
import type { ReceivedEvent } from '../../lib/testing/testStream';
import { openTestStream, type TestStream } from '../../lib/testing/testStream';
import { type Acknowledged, breaches, type ClientRecord, replayBreaches } from './logModel';

/** The processes a model run drives: each an app with `sseMiddleware` on its own broadcaster, all on one bus backend. */
export interface ModelWorld {
  processes: readonly { url: string; broadcaster: Broadcaster<undefined> }[];
  /** Restarts the backend empty (Redis with persistence off) and resolves once every process is connected again. */
  restartEmpty?: () => Promise<void>;
  /**
   * Stalls the live reader of process `process` (Redis runs its reads, the answers are held back,
   * as a stalled network would); returns what lets the held answers through, in order.
   */
  stallReader?: (process: number) => () => void;
}

/** One step the model draws. */
export type Step =
  /** A publish, with the key `k<key>` when `key` is a number. */
  | { kind: 'publish'; channel: number; process: number; key: number | undefined }
  | { kind: 'open'; client: number; process: number }
  | { kind: 'drop'; client: number }
  | { kind: 'restartEmpty' }
  /** Stalls a process's live reader, or lets a stalled one go on. */
  | { kind: 'stall'; process: number };

/** A drawn run: each client's channels (indexes), then the steps. */
export interface Scenario {
  clients: number[][];
  steps: Step[];
}

const CHANNELS = 4;
const CLIENTS = 3;
/** Keys a channel's keyed events take: few, so that they supersede one another often. */
const KEYS = 3;
/** How long a stream may take to open. */
const OPEN_MS = 10_000;
/** Tries for the final resume and the end markers (a restarted backend refuses for a moment). */
const FINAL_TRIES = 50;

/**
 * Draws scenarios for a world of `processes` processes; restarts and stalled readers only where the
 * world can make them. Each client follows 1 to 3 channels. About half the publishes are keyed.
 */
export function scenarios(
  processes: number,
  faults: { restarts: boolean; stalls: boolean },
  maxSteps: number,
): fc.Arbitrary<Scenario> {
  const process = fc.nat({ max: processes - 1 });
  const client = fc.nat({ max: CLIENTS - 1 });
  const steps: fc.WeightedArbitrary<Step>[] = [
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('publish' as const),
        channel: fc.nat({ max: CHANNELS - 1 }),
        process,
        key: fc.option(fc.nat({ max: KEYS - 1 }), { nil: undefined, freq: 2 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('open' as const), client, process }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), client }) },
  ];
  if (faults.restarts) steps.push({ weight: 1, arbitrary: fc.constant({ kind: 'restartEmpty' as const }) });
  if (faults.stalls) steps.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant('stall' as const), process }) });
  return fc.record({
    clients: fc.array(fc.uniqueArray(fc.nat({ max: CHANNELS - 1 }), { minLength: 1, maxLength: 3 }), {
      minLength: CLIENTS,
      maxLength: CLIENTS,
    }),
    steps: fc.array(fc.oneof(...steps), { maxLength: maxSteps }),
  });
}

/** A client of the model: its record, and its open stream if it has one. */
interface ModelClient extends ClientRecord {
  events: ReceivedEvent[];
  stream: TestStream | undefined;
  cursor: string | undefined;
}

async function openStream(world: ModelWorld, client: ModelClient, process: number): Promise<boolean> {
  const { url } = world.processes[process]!;
  const path =
    client.channels.length === 1
      ? `/sse/${client.channels[0]}`
      : `/sse?channels=${client.channels.map(encodeURIComponent).join(',')}`;
  let stream: TestStream;
  try {
    stream = await openTestStream(url, { path, lastEventId: client.cursor });
  } catch {
    return false; // refused (the backend is not back yet): the client stays away, cursor kept
  }
  // The stream has started (cursor, replay, gaps) once its `sse:connection` event came: from then on it is owed every event.
  const deadline = Date.now() + OPEN_MS;
  while (stream.connectionId === undefined && !stream.ended && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 2));
  if (stream.connectionId === undefined) {
    await stream.close();
    client.events.push(...stream.events);
    client.cursor = stream.lastEventId || client.cursor;
    return false;
  }
  client.stream = stream;
  return true;
}

async function drop(client: ModelClient): Promise<void> {
  const stream = client.stream;
  if (!stream) return;
  client.stream = undefined;
  await stream.close();
  client.events.push(...stream.events);
  client.cursor = stream.lastEventId || client.cursor;
}

/** A stream the server ended counts as dropped (the client comes back at its next open). */
async function noticeEnded(client: ModelClient): Promise<void> {
  if (client.stream?.ended) await drop(client);
}

/** The data a history read answered, or `gap`. */
async function replayedData(broadcaster: Broadcaster<undefined>, channel: string, since: string) {
  const history = await broadcaster.history(channel, { since });
  return history.kind === 'gap' ? ('gap' as const) : history.events.map((event) => parseFrame(event.frame).data);
}

/**
 * Runs one scenario on `world` with channels named after `run`, and returns the model's breaches
 * (see {@link breaches}). After each acknowledged publish, the channel's history is read after
 * every earlier cursor (each acknowledged event's id, and one from before the run), as a client
 * that left there and resumes would be, and judged by {@link replayBreaches}. Every wait is
 * bounded; a client that did not catch up within `catchUpMs` is judged on what it got.
 */
export async function runScenario(
  world: ModelWorld,
  scenario: Scenario,
  run: string,
  catchUpMs: number,
): Promise<string[]> {
  const channel = (index: number): string => `${run}-c${index}`;
  const acknowledged: Acknowledged[] = [];
  /** Per channel, its acknowledged events with their ids (cursors). */
  const byChannel = new Map<string, (Acknowledged & { id: string })[]>();
  const doubtfulKeys = new Set<string>();
  const found: string[] = [];
  /** Steps at which the backend restarted empty: a cursor from before one may get a gap. */
  const restarts: number[] = [];
  const start = await world.processes[0]!.broadcaster.cursor();
  const published = new Map<string, number>();
  const clients: ModelClient[] = scenario.clients.map((indexes, index) => ({
    name: `client ${index} on ${indexes.map(channel).join(',')}`,
    channels: indexes.map(channel),
    openedAtStep: Number.POSITIVE_INFINITY,
    events: [],
    stream: undefined,
    cursor: undefined,
  }));
  /** Reads `name`'s history after every earlier cursor, on a process whose live reader is not stalled. */
  const checkReplays = async (name: string): Promise<void> => {
    const reader = world.processes.find((_process, index) => !stalled.has(index));
    if (!reader) return;
    const events = byChannel.get(name) ?? [];
    const cursors = [{ id: start, step: -1 }, ...events];
    for (const [index, cursor] of cursors.entries()) {
      const replayed = await replayedData(reader.broadcaster, name, cursor.id).catch(() => 'gap' as const);
      const gapAllowed = restarts.some((step) => step >= cursor.step);
      const what = `history of ${name} after ${index === 0 ? 'the run start' : events[index - 1]!.data}`;
      found.push(...replayBreaches(what, events, index - 1, replayed, { gapAllowed, doubtful: doubtfulKeys }));
    }
  };
  const publish = async (name: string, process: number, step: number, keyIndex?: number): Promise<boolean> => {
    const n = published.get(name) ?? 0;
    published.set(name, n + 1);
    const data = `${name}:${n}`;
    const key = keyIndex === undefined ? undefined : `k${keyIndex}`;
    let id: string;
    try {
      ({ id } = await world.processes[process]!.broadcaster.publish(name, { data, key }));
    } catch {
      // Not acknowledged: the model owes it to nobody, and its key's latest value is unknown.
      if (key !== undefined) doubtfulKeys.add(`${name}/${key}`);
      return false;
    }
    const event = { channel: name, data, step, key, id };
    acknowledged.push(event);
    byChannel.set(name, [...(byChannel.get(name) ?? []), event]);
    await checkReplays(name);
    return true;
  };
  /** Stalled readers, by process: what lets each go on. */
  const stalled = new Map<number, () => void>();
  const unstall = (process: number): void => {
    stalled.get(process)?.();
    stalled.delete(process);
  };
  try {
    for (const [step, action] of scenario.steps.entries()) {
      for (const client of clients) await noticeEnded(client);
      if (action.kind === 'publish') await publish(channel(action.channel), action.process, step, action.key);
      else if (action.kind === 'drop') await drop(clients[action.client]!);
      else if (action.kind === 'restartEmpty') {
        restarts.push(step);
        await world.restartEmpty?.();
      } else if (action.kind === 'stall') {
        if (stalled.has(action.process)) unstall(action.process);
        else if (world.stallReader) stalled.set(action.process, world.stallReader(action.process));
      } else {
        const client = clients[action.client]!;
        if (client.stream) continue;
        if ((await openStream(world, client, action.process)) && client.openedAtStep === Number.POSITIVE_INFINITY)
          client.openedAtStep = step;
      }
    }
    // The end: every reader goes on, every client that ever opened comes back, and one last event
    // per channel shows when it has caught up.
    for (const process of [...stalled.keys()]) unstall(process);
    const end = scenario.steps.length;
    const followers = clients.filter((client) => client.openedAtStep !== Number.POSITIVE_INFINITY);
    for (const [index, client] of followers.entries()) {
      await noticeEnded(client);
      for (let tries = 0; !client.stream && tries < FINAL_TRIES; tries += 1)
        if (!(await openStream(world, client, index % world.processes.length)))
          await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const markers: string[] = [];
    for (let index = 0; index < CHANNELS; index += 1) {
      let tries = 0;
      while (!(await publish(channel(index), index % world.processes.length, end)) && tries++ < FINAL_TRIES)
        await new Promise((resolve) => setTimeout(resolve, 100));
      markers.push(acknowledged.at(-1)!.data);
    }
    await Promise.all(
      followers.map((client) =>
        client.stream?.waitFor(
          (_event, events) =>
            client.channels.every((name) =>
              events.some((seen) => seen.data === markers[Number(name.split('-c').at(-1))]),
            ),
          { timeoutMs: catchUpMs },
        ),
      ),
    );
    for (const client of followers) await drop(client);
    return [...found, ...followers.flatMap((client) => breaches(acknowledged, client, doubtfulKeys))];
  } finally {
    for (const process of [...stalled.keys()]) unstall(process);
    for (const client of clients) await drop(client);
  }
}

/**
 * Checks the model on `world` with fast-check: random scenarios until `timeLimitMs` (or `numRuns`),
 * each on fresh channel names. A failure throws with fast-check's seed, path and shrunk scenario,
 * and the breaches. Resolves with the number of scenarios run.
 */
export async function checkModel(
  world: ModelWorld,
  options: {
    numRuns: number;
    timeLimitMs: number;
    maxSteps: number;
    seed?: number;
    /** How long the clients get to catch up at the end of a scenario. Default 10 s. */
    catchUpMs?: number;
    /** Runs before each scenario (a fresh world for a bus that keeps state of its own). */
    beforeEach?: () => Promise<void>;
  },
): Promise<number> {
  let runs = 0;
  const property = fc.asyncProperty(
    scenarios(
      world.processes.length,
      { restarts: world.restartEmpty !== undefined, stalls: world.stallReader !== undefined },
      options.maxSteps,
    ),
    async (scenario) => {
      runs += 1;
      await options.beforeEach?.();
      const found = await runScenario(world, scenario, `m${runs}`, options.catchUpMs ?? 10_000);
      if (found.length > 0) throw new Error(`the log broke its contract:\n${found.join('\n')}`);
    },
  );
  await fc.assert(property, {
    numRuns: options.numRuns,
    interruptAfterTimeLimit: options.timeLimitMs,
    markInterruptAsFailure: false,
    seed: options.seed,
    endOnFailure: false,
  });
  return runs;
}
