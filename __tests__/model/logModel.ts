import { GAP_EVENT } from '../../lib/protocol/protocolEvents';
import type { ReceivedEvent } from '../../lib/testing/testStream';

/** One acknowledged publish: the model's record of what every follower of `channel` is owed. */
export interface Acknowledged {
  channel: string;
  data: string;
  /** The model step after which it was acknowledged (events acknowledged before a client first opened are not owed to it). */
  step: number;
  /** Its key: a later acknowledged event of the same key and channel supersedes it. */
  key?: string;
}

/**
 * Keys the model cannot judge, as `<channel>/<key>`: a keyed publish of theirs was refused, and a
 * refused publish may still have been stored, superseding the latest acknowledged one.
 */
export type DoubtfulKeys = ReadonlySet<string>;

const doubtful = (keys: DoubtfulKeys, event: { channel: string; key?: string }): boolean =>
  event.key !== undefined && keys.has(`${event.channel}/${event.key}`);

/**
 * What a history read after a cursor owes, of the acknowledged events of one channel after it: the
 * latest per key and every unkeyed one, in publish order.
 */
export function owedReplay(after: readonly Acknowledged[]): Acknowledged[] {
  const latest = new Map<string, Acknowledged>();
  for (const event of after) if (event.key !== undefined) latest.set(event.key, event);
  return after.filter((event) => event.key === undefined || latest.get(event.key) === event);
}

/**
 * The model's rule for one history read of a channel, `replayed` (the data it answered, or `gap`)
 * after the cursor of `channelEvents[cursor]` (-1: a cursor before them all): exactly
 * {@link owedReplay} of the events after it, or a gap where the backend may have lost events since
 * (`gapAllowed`). Events never acknowledged and those of doubtful keys are not judged.
 */
export function replayBreaches(
  what: string,
  channelEvents: readonly Acknowledged[],
  cursor: number,
  replayed: readonly string[] | 'gap',
  options: { gapAllowed: boolean; doubtful: DoubtfulKeys },
): string[] {
  if (replayed === 'gap') return options.gapAllowed ? [] : [`${what}: a gap, though the log lost nothing`];
  const byData = new Map(channelEvents.map((event) => [event.data, event]));
  const judged = (event: Acknowledged | undefined): event is Acknowledged =>
    event !== undefined && !doubtful(options.doubtful, event);
  const owed = owedReplay(channelEvents.slice(cursor + 1))
    .filter(judged)
    .map((event) => event.data);
  const got = replayed.filter((data) => judged(byData.get(data)));
  if (got.length === owed.length && got.every((data, index) => data === owed[index])) return [];
  return [`${what}: replayed ${JSON.stringify(got)}, owed ${JSON.stringify(owed)}`];
}

/** What one client saw: its channels, from which step on it is owed events, and every event of every leg, in order. */
export interface ClientRecord {
  name: string;
  channels: readonly string[];
  /** The step at which its first stream had started (its `sse:connection` arrived). */
  openedAtStep: number;
  events: readonly ReceivedEvent[];
}

/** The channel a gap event names. */
function gapChannel(event: ReceivedEvent): string | undefined {
  if (event.type !== GAP_EVENT) return undefined;
  try {
    return (JSON.parse(event.data) as { channel?: string }).channel;
  } catch {
    return undefined;
  }
}

/**
 * The model's rule, checked for one client: every acknowledged event of a channel it follows,
 * published after it first opened, reached it exactly once and in per-channel publish order, or
 * the client got a gap event naming that channel after the last event of the channel it did get
 * before the missing one. A keyed event may be missing when a later event of its key reached the
 * client (it was superseded while the client was away), so each key ends at its latest value.
 * Returns each breach in words (empty: the log kept its contract). Events that were never
 * acknowledged (a refused publish that landed anyway) are not judged, nor events of doubtful keys
 * when they are missing.
 */
export function breaches(
  acknowledged: readonly Acknowledged[],
  client: ClientRecord,
  doubtfulKeys: DoubtfulKeys = new Set(),
): string[] {
  const found: string[] = [];
  for (const channel of client.channels) {
    const owed = acknowledged.filter((event) => event.channel === channel && event.step > client.openedAtStep);
    const rank = new Map(owed.map((event, index) => [event.data, index]));
    /** Index in `owed` -> where in the client's events it arrived. */
    const arrivedAt = new Map<number, number>();
    let last = -1;
    client.events.forEach((event, at) => {
      if (event.type !== 'message') return;
      const index = rank.get(event.data);
      if (index === undefined) return;
      if (arrivedAt.has(index)) found.push(`${client.name}: ${event.data} arrived twice`);
      else if (index < last) found.push(`${client.name}: ${event.data} arrived after ${owed[last]!.data}`);
      arrivedAt.set(index, at);
      last = Math.max(last, index);
    });
    const gapsAt = client.events.flatMap((event, at) => (gapChannel(event) === channel ? [at] : []));
    let previousArrival = -1;
    owed.forEach((event, index) => {
      const arrival = arrivedAt.get(index);
      if (arrival !== undefined) {
        previousArrival = Math.max(previousArrival, arrival);
        return;
      }
      if (doubtful(doubtfulKeys, event)) return;
      const superseded =
        event.key !== undefined && owed.some((later, at) => at > index && later.key === event.key && arrivedAt.has(at));
      if (superseded) return;
      if (!gapsAt.some((at) => at > previousArrival))
        found.push(
          `${client.name}: ${event.data} (acknowledged at step ${event.step}) never arrived, and no gap named ${channel}`,
        );
    });
  }
  return found;
}
