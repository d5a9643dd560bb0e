import type { Bus, Inbound } from '../../lib/broadcast/bus';
import type { BusDelivery } from '../../lib/broadcast/eventLog';
import { wrappedBus } from './wrappedBus';

/**
 * Faults injected between a bus's live readers and the broadcaster, per channel: what a backend
 * with several partitions (a Redis Cluster's buckets, each read by its own connection) does when
 * its readers lag by different amounts. Each channel's deliveries keep their order; different
 * channels' deliveries overtake one another.
 */
export interface DeliveryFaults {
  /** How long each of `channel`'s delivery batches is held before it is handed over (ms). */
  latencyOf(channel: string): number;
  /**
   * Holds every delivery of `channel` from now on, until the returned function is called; the
   * held ones are then handed over in order (after their latency, if it has not passed yet).
   */
  hold(channel: string): () => void;
  /** Deliveries taken in and not yet handed over, per channel (what a failed wait prints). */
  pending(): Record<string, number>;
}

/** Latencies a channel can draw (ms): different enough that channels overtake one another. */
const LATENCIES_MS = [0, 15, 40];

/** A latency per channel name: stable for a name, different between most names. */
export function latencyByName(channel: string): number {
  let hash = 0;
  for (const char of channel) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return LATENCIES_MS[hash % LATENCIES_MS.length]!;
}

interface ChannelQueue {
  /** Resolves once everything taken in so far has been handed over. */
  tail: Promise<void>;
  waiting: number;
  /** Set while the channel is held: resolves when it is released. */
  held: Promise<void> | undefined;
}

/**
 * `inner` with {@link DeliveryFaults}: each live delivery batch is split by channel, and each
 * channel's part is handed to the broadcaster after `latency(channel)` ms (and after any hold), in
 * the order it came. With no latency and no hold a part passes at once, with its real counts; a
 * delayed part answers 0 (it was written to nobody by the time the append resolved).
 *
 * A history `read` answers only once this channel's deliveries taken in before it have been
 * handed over, as a real bus's read waits for its lagging reader (RedisBus: `#caughtUp`): the
 * broadcaster's merge of replay and held live frames needs that. Faults therefore reorder live
 * delivery across channels, never within one, and never behind a replay.
 */
export function faultyBus(
  inner: Bus,
  latency: (channel: string) => number = latencyByName,
): Bus & {
  faults: DeliveryFaults;
} {
  const queues = new Map<string, ChannelQueue>();
  const queueOf = (channel: string): ChannelQueue => {
    let queue = queues.get(channel);
    if (!queue) {
      queue = { tail: Promise.resolve(), waiting: 0, held: undefined };
      queues.set(channel, queue);
    }
    return queue;
  };
  const faults: DeliveryFaults = {
    latencyOf: latency,
    hold(channel) {
      const queue = queueOf(channel);
      let release!: () => void;
      queue.held = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        queue.held = undefined;
        release();
      };
    },
    pending: () => Object.fromEntries([...queues].map(([channel, queue]) => [channel, queue.waiting])),
  };
  const delayed = (inbound: Inbound): Inbound => ({
    ...inbound,
    events(deliveries) {
      const byChannel = new Map<string, BusDelivery[]>();
      for (const delivery of deliveries) {
        const part = byChannel.get(delivery.channel) ?? [];
        part.push(delivery);
        byChannel.set(delivery.channel, part);
      }
      const counts = new Map<BusDelivery, number>();
      for (const [channel, part] of byChannel) {
        const queue = queueOf(channel);
        const ms = latency(channel);
        if (ms === 0 && queue.waiting === 0 && !queue.held) {
          const written = inbound.events(part);
          for (const [index, delivery] of part.entries()) counts.set(delivery, written[index]!);
          continue;
        }
        const due = Date.now() + ms;
        const held = queue.held;
        queue.waiting += part.length;
        queue.tail = queue.tail
          .then(() => held)
          .then(() => new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()))))
          .then(() => {
            queue.waiting -= part.length;
            inbound.events(part);
          });
      }
      return deliveries.map((delivery) => counts.get(delivery) ?? 0);
    },
  });
  const bus = wrappedBus(inner, delayed, {
    // Channels overtake one another: the log no longer hands them over in position order.
    ordered: false,
    read: async (channel, after) => {
      const result = await inner.log.read(channel, after);
      await queueOf(channel).tail;
      return result;
    },
  });
  return { ...bus, faults };
}
