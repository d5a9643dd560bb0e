import type { Bus, Inbound } from '../../lib/broadcast/bus';
import type { BusDelivery } from '../../lib/broadcast/eventLog';
import { MemoryBus } from '../../lib/broadcast/memoryBus';
import { wrappedBus } from './wrappedBus';

/**
 * A bus of the app's own that hands events over in batches (as a bus over a network would):
 * history and ids from a MemoryBus, delivery held until `flush`, then one `Inbound.events` call.
 */
export class BatchingBus {
  readonly inner = new MemoryBus();
  readonly queued: BusDelivery[] = [];
  #inbound: Inbound | undefined;

  /** The bus to give the broadcaster. */
  readonly bus: Bus = wrappedBus(this.inner, (inbound) => {
    this.#inbound = inbound;
    return {
      ...inbound,
      events: (deliveries) => {
        this.queued.push(...deliveries);
        return deliveries.map(() => 0);
      },
    };
  });

  /** Delivers what was published since the last flush, as one batch; returns the counts per event. */
  flush(): number[] {
    return this.#inbound!.events(this.queued.splice(0));
  }
}
