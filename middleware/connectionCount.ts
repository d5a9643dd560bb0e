import type { Request, Response } from 'express';
import type { BroadcasterStats } from '../lib/broadcast/broadcasterReports';
import { isChannelName } from '../lib/broadcast/channelName';
import { sendJsonError } from './jsonError';

/** The counts a shared bus reports for every process (the Redis bus's `cluster`), when it has read them. */
interface CountsOverProcesses {
  connections: number;
  byChannel: Record<string, number>;
}

function clusterCounts(stats: BroadcasterStats): CountsOverProcesses | undefined {
  const cluster = stats.bus.cluster as Partial<CountsOverProcesses> | null | undefined;
  return typeof cluster?.connections === 'number' && cluster.byChannel ? (cluster as CountsOverProcesses) : undefined;
}

/**
 * Open streams on `channel`, or in total: over every process when the bus reports them (Redis),
 * else in this one.
 */
export function openStreamCount(stats: BroadcasterStats, channel: string | undefined): number {
  const counts = clusterCounts(stats) ?? stats;
  return channel === undefined ? counts.connections : (counts.byChannel[channel] ?? 0);
}

/**
 * `GET {prefix}/_stats/count[?channel=]`: the open-stream count as a bare HTML text fragment, for
 * `<ConnectionCounter>` to swap in. Behind the same guard as `_stats`.
 */
export function sendConnectionCount(req: Request, res: Response, stats: BroadcasterStats): void {
  const channel = req.query.channel;
  if (channel !== undefined && !isChannelName(channel)) {
    sendJsonError(res, 400, `invalid channel name ${JSON.stringify(channel)}: use 1-128 of A-Z a-z 0-9 _ . : -`);
    return;
  }
  res
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(String(openStreamCount(stats, channel)));
}
