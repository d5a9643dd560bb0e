import type { Bus, Inbound } from '../../lib/broadcast/bus';
import type { EventLog } from '../../lib/broadcast/eventLog';

/**
 * A bus that is `inner` but for what it hands back: `wrap` sees the broadcaster's {@link Inbound}
 * and returns the one `inner` delivers to (to hold, batch, drop or reorder events on purpose), and
 * `log` may replace parts of the log (a history read held back, …).
 */
export function wrappedBus(inner: Bus, wrap: (inbound: Inbound) => Inbound, log: Partial<EventLog> = {}): Bus {
  return {
    log: { ...bindAll(inner.log), ...log },
    messages: inner.messages,
    presence: inner.presence,
    attach: (inbound) => inner.attach(wrap(inbound)),
    state: () => inner.state(),
    close: () => inner.close(),
  };
}

/** The log's methods bound to it, so they can be spread into another object. */
function bindAll(log: EventLog): EventLog {
  return {
    ordered: log.ordered,
    append: (message) => log.append(message),
    read: (channel, after) => log.read(channel, after),
    recent: (channel, limit) => log.recent(channel, limit),
    position: () => log.position(),
    follow: (channel) => log.follow(channel),
    unfollow: (channel) => log.unfollow(channel),
  };
}
