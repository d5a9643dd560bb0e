import type { BusDelivery } from '../broadcast/eventLog';

/** Deliveries of one channel recorded while this process has publishes on it in flight. */
interface InFlight {
  publishes: number;
  delivered: Map<string, number>;
}

/** Deliveries remembered per channel while its publishes wait for their counts. */
const RECENT_DELIVERIES = 1024;

/**
 * How many connections of this process each of its publishes reached: a publish comes back through
 * the live feed, so while a channel has publishes in flight its delivery counts are remembered
 * (the newest {@link RECENT_DELIVERIES}) for each to take its own.
 */
export class InFlightPublishes {
  readonly #channels = new Map<string, InFlight>();

  /** Runs `publish` while `channel`'s counts are recorded; `delivered(id)` takes the count of `id` (0 if none). */
  async during<T>(channel: string, publish: (delivered: (id: string) => number) => Promise<T>): Promise<T> {
    const inFlight = this.#channels.get(channel) ?? { publishes: 0, delivered: new Map<string, number>() };
    this.#channels.set(channel, inFlight);
    inFlight.publishes += 1;
    try {
      return await publish((id) => {
        const delivered = inFlight.delivered.get(id) ?? 0;
        inFlight.delivered.delete(id);
        return delivered;
      });
    } finally {
      inFlight.publishes -= 1;
      if (inFlight.publishes === 0) this.#channels.delete(channel);
    }
  }

  /** Records what one read handed over: `counts[i]` connections got `deliveries[i]`. */
  record(deliveries: readonly BusDelivery[], counts: readonly number[]): void {
    deliveries.forEach(({ channel, id }, index) => {
      const inFlight = this.#channels.get(channel);
      if (!inFlight) return;
      inFlight.delivered.set(id, counts[index]);
      if (inFlight.delivered.size > RECENT_DELIVERIES)
        inFlight.delivered.delete(inFlight.delivered.keys().next().value as string);
    });
  }
}
