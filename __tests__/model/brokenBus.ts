import type { Bus, BusDelivery, BusHandlers } from '../../lib/broadcast/bus';
import { MemoryBus } from '../../lib/broadcast/memoryBus';

/** How a {@link brokenBus} breaks its log. */
export type Breakage = 'drop' | 'reorder';

/**
 * A memory bus whose live delivery is broken on purpose, for showing that the model check catches
 * it: `drop` loses the third live event (it is still in history, so only a client that resumes
 * before it would get it back); `reorder` holds the third live event back and delivers it after
 * the next event of the same channel.
 */
export function brokenBus(breakage: Breakage): Bus {
  const bus = new MemoryBus();
  let seen = 0;
  let held: BusDelivery | undefined;
  const broken = (handlers: BusHandlers): BusHandlers => ({
    ...handlers,
    deliver: (delivery) => {
      seen += 1;
      if (seen === 3) {
        if (breakage === 'reorder') held = delivery;
        return 0;
      }
      const written = handlers.deliver(delivery);
      if (held && held.channel === delivery.channel) {
        handlers.deliver(held);
        held = undefined;
      }
      return written;
    },
  });
  return new Proxy(bus, {
    get(target, property) {
      if (property === 'attach') return (handlers: BusHandlers) => target.attach(broken(handlers));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
