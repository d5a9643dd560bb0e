import type { BusDelivery } from '../broadcast/eventLog';

/** Deliveries of one channel recorded while this process has publishes on it in flight. */
interface InFlight {
  publishes: number;
  delivered: Map<string, number>;
}

/** Deliveries remembered per channel while its publishes wait for their counts. */
const RECENT_DELIVERIES = 1024;

/**
 * How many connections of this process each of its own publishes reached. On Redis a publish comes
 * back to its process like any other process's: through the live feed, after Redis stored it. While
 * a channel has publishes of this process in flight, the counts of that channel's deliveries are
 * remembered (the newest {@link RECENT_DELIVERIES}), so that each publish can take its own once the
 * feed has passed its entry. Channels without a publish in flight remember nothing.
 */
export class InFlightPublishes {
  readonly #channels = new Map<string, InFlight>();

  /**
   * Runs `publish` on `channel`, recording the channel's delivery counts meanwhile. `publish` is
   * given `delivered(id)`: how many connections the entry `id` was written to (0 when not recorded),
   * which it asks once the feed has passed `id`; the count is forgotten once taken.
   */
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
