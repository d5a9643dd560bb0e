import type { DemoBroadcaster } from '../streamMetadata';

/**
 * The channel of this process's system figures: `system-<process id>` on the Redis bus, `system`
 * in memory.
 *
 * A channel per process, because the figures describe one process. With several processes on one
 * Redis (`npm run demo:cluster`), one shared channel would carry every process's figures to every
 * page, each superseding the others', and a page would flip between processes every second; a
 * key per process would not help, since each page swaps the same elements. So each process
 * publishes its figures keyed on its own channel, and a page subscribes to the channel of the
 * process that rendered it, which any process can serve from the shared history: its card keeps
 * describing one process, even when its stream is moved to another (the connections panel, which
 * names the process serving the stream, is sent by that process to its own streams instead).
 */
export function systemChannelOf(broadcaster: DemoBroadcaster): string {
  const { processId } = broadcaster.stats().bus;
  return typeof processId === 'string' ? `system-${processId}` : 'system';
}
