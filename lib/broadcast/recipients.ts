/**
 * Who receives one delivery: the one loop over a channel's connections that both delivery paths
 * (one event, `broadcaster.ts`; several at once, `batchDelivery.ts`) share.
 */

import type { ConnectionRegistry } from './connectionRegistry';
import type { BusDelivery } from './eventLog';
import type { SseConnection } from './sseConnection';
import { tabSkipsOf } from './tabSkips';

/**
 * Calls `visit` for each connection on the delivery's channel that its `exclude` and `filter`
 * let through, in the registry's order, with the comment to write in front of the event when
 * `exclude` names some of that connection's tabs (see `tabSkipsOf`).
 */
export function forEachRecipient<M>(
  registry: ConnectionRegistry<M>,
  delivery: BusDelivery,
  visit: (connection: SseConnection<M>, tabSkip: Buffer | undefined) => void,
): void {
  const members = registry.inChannel(delivery.channel);
  if (!members) return;
  const { exclude, filter } = delivery;
  const skips = exclude && tabSkipsOf(exclude);
  for (const connection of members) {
    if (exclude?.includes(connection.id)) continue;
    if (filter && !filter(connection)) continue;
    visit(connection, skips?.get(connection.id));
  }
}
