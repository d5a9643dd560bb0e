/**
 * Delivery of several events at once (what one read of a shared bus returns): each connection
 * gets every event of the batch it should receive (its channels, `exclude` and `filter` applied),
 * in the batch's order, each once, as one write. Connections that receive the same events share
 * one {@link FrameBatch}, so the frames are joined once for all of them.
 */

import type { ConnectionRegistry } from './connectionRegistry';
import type { BusDelivery } from './eventLog';
import type { EventViews } from './eventViews';
import { FrameBatch } from './frameBatch';
import { forEachRecipient } from './recipients';
import type { SseConnection } from './sseConnection';

/**
 * The events a connection has collected so far, as a path: the previous step plus one event.
 * Connections that collected the same events stand on the same step, because every step
 * remembers the step it led to for the event being routed (events are routed one after another).
 */
class Route {
  readonly #previous: Route | undefined;
  readonly #index: number;
  #nextIndex = -1;
  #next: Route | undefined;

  constructor(previous: Route | undefined, index: number) {
    this.#previous = previous;
    this.#index = index;
  }

  /** The step after this one for the event at `index` of the batch. */
  extend(index: number): Route {
    if (this.#nextIndex !== index) {
      this.#nextIndex = index;
      this.#next = new Route(this, index);
    }
    return this.#next!;
  }

  /** The indexes of the events collected, in order. */
  indexes(): number[] {
    const indexes: number[] = [];
    for (let step: Route = this; step.#previous !== undefined; step = step.#previous) indexes.push(step.#index);
    return indexes.reverse();
  }
}

/**
 * Writes `deliveries` (in position order) to the connections of `registry`, one write per
 * connection. Returns, per delivery, how many connections it was written to. A connection whose
 * tabs an `exclude` names (see `tabSkipsOf`) gets its own copy of that event, marked to skip them;
 * the connections of one audience of a view (`views`) share a copy holding that audience's rendering.
 */
export function deliverBatch<M>(
  registry: ConnectionRegistry<M>,
  deliveries: readonly BusDelivery[],
  views?: EventViews<M>,
  now = Date.now(),
): number[] {
  const start = new Route(undefined, -1);
  const routeOf = new Map<SseConnection<M>, Route>();
  /** The deliveries plus the copies (tab-marked, or a view's rendering), made on the first copy needed. */
  let frames: BusDelivery[] | undefined;
  /** For each copy's index in `frames`, the index of the delivery it copies. */
  const copyOf = new Map<number, number>();
  /** The index in `frames` of each view's rendering (one Buffer per event and audience). */
  const renderingAt = new Map<Buffer, number>();
  const copy = (index: number, delivery: BusDelivery, frame: Buffer): number => {
    frames ??= [...deliveries];
    const step = frames.push({ ...delivery, frame }) - 1;
    copyOf.set(step, index);
    return step;
  };
  for (let index = 0; index < deliveries.length; index += 1) {
    const delivery = deliveries[index]!;
    const present = views?.presenter(delivery);
    forEachRecipient(registry, delivery, (connection, skip) => {
      let step = index;
      let frame = delivery.frame;
      if (present) {
        const viewed = present(connection.metadata);
        if (!viewed) return;
        if (viewed !== frame) {
          frame = viewed;
          step = renderingAt.get(viewed) ?? copy(index, delivery, viewed);
          renderingAt.set(viewed, step);
        }
      }
      if (skip) step = copy(index, delivery, Buffer.concat([skip, frame]));
      routeOf.set(connection, (routeOf.get(connection) ?? start).extend(step));
    });
  }
  const recipients = new Map<Route, SseConnection<M>[]>();
  for (const [connection, route] of routeOf) {
    const connections = recipients.get(route);
    if (connections) connections.push(connection);
    else recipients.set(route, [connection]);
  }
  const source = frames ?? deliveries;
  const counts = deliveries.map(() => 0);
  for (const [route, connections] of recipients) {
    const indexes = route.indexes();
    const batch = new FrameBatch(indexes.map((index) => source[index]!));
    let written = 0;
    // Grouped by route, so one socket chunk (built for the last Buffer written) serves the whole group.
    for (const connection of connections) if (connection.writeBatch(batch, now)) written += 1;
    for (const index of indexes) counts[copyOf.get(index) ?? index] += written;
  }
  return counts;
}
