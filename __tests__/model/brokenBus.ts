import type { Bus, Inbound } from '../../lib/broadcast/bus';
import type { BusDelivery } from '../../lib/broadcast/eventLog';
import { MemoryBus } from '../../lib/broadcast/memoryBus';
import { wrappedBus } from '../support/wrappedBus';

/** How a {@link brokenBus} breaks its log. */
export type Breakage = 'drop' | 'reorder' | 'keysIgnored';

/**
 * A memory bus whose live delivery is broken on purpose, for showing that the model check catches
 * it: `drop` loses the third live event (it is still in history, so only a client that resumes
 * before it would get it back); `reorder` holds the third live event back and delivers it after
 * the next event of the same channel; `keysIgnored` appends every event as if it had no key, so
 * history keeps superseded events and a replay sends them.
 */
export function brokenBus(breakage: Breakage): Bus {
  if (breakage === 'keysIgnored') {
    const inner = new MemoryBus();
    return wrappedBus(inner, (inbound) => inbound, {
      append: (message) => inner.log.append({ ...message, key: undefined }),
    });
  }
  let seen = 0;
  let held: BusDelivery | undefined;
  const broken = (inbound: Inbound): Inbound => ({
    ...inbound,
    events: (deliveries) =>
      deliveries.map((delivery) => {
        seen += 1;
        if (seen === 3) {
          if (breakage === 'reorder') held = delivery;
          return 0;
        }
        const [written] = inbound.events([delivery]);
        if (held && held.channel === delivery.channel) {
          inbound.events([held]);
          held = undefined;
        }
        return written!;
      }),
  });
  return wrappedBus(new MemoryBus(), broken);
}
