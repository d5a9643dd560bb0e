import { GAP_EVENT } from '../../lib/protocol/protocolEvents';
import type { ReceivedEvent } from '../../lib/testing/testStream';

/** One acknowledged publish: the model's record of what every follower of `channel` is owed. */
export interface Acknowledged {
  channel: string;
  data: string;
  /** The model step after which it was acknowledged (events acknowledged before a client first opened are not owed to it). */
  step: number;
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
 * before the missing one. Returns each breach in words (empty: the log kept its contract).
 * Events that were never acknowledged (a refused publish that landed anyway) are not judged.
 */
export function breaches(acknowledged: readonly Acknowledged[], client: ClientRecord): string[] {
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
      if (!gapsAt.some((at) => at > previousArrival))
        found.push(
          `${client.name}: ${event.data} (acknowledged at step ${event.step}) never arrived, and no gap named ${channel}`,
        );
    });
  }
  return found;
}
