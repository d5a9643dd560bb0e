import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { PublishPlan } from './benchProtocol';
import { renderPayload, wallClockMs } from './payloads';

/** Publishes one event's data; resolves (or returns) once the server accepted it. */
export type PublishOne = (sequence: number, data: string) => unknown;

/**
 * Runs a plan against one server: each event is rendered and stamped just before it is
 * published, and the loop yields to the event loop (or waits for the next slot) between batches
 * so sockets drain as they would in an app.
 */
export async function runPublishPlan(
  plan: PublishPlan,
  publish: PublishOne,
): Promise<{ count: number; elapsedMs: number }> {
  const start = performance.now();
  let sequence = 0;
  for (let batch = 0; sequence < plan.count; batch += 1) {
    const end = Math.min(plan.count, sequence + plan.batchSize);
    // A batch is handed over at once; a bus that answers asynchronously (Redis) pipelines it.
    const accepting: Promise<unknown>[] = [];
    const due = performance.timeOrigin + start + batch * plan.intervalMs;
    while (sequence < end) {
      sequence += 1;
      const accepted = publish(
        sequence,
        renderPayload(plan.payload, sequence, plan.stampDueTime ? due : wallClockMs()),
      );
      if (accepted instanceof Promise) accepting.push(accepted);
    }
    await Promise.all(accepting);
    if (plan.intervalMs === 0) await yieldToEventLoop();
    else await sleep(Math.max(0, start + (batch + 1) * plan.intervalMs - performance.now()));
  }
  return { count: sequence, elapsedMs: performance.now() - start };
}
