import { createServer } from 'node:http';
import express from 'express';
import { createBroadcaster, sseMiddleware } from '../../index';
import type { BenchServerFactory } from './benchServer';

/**
 * This library as its README shows it: an Express 5 app with `sseMiddleware` and a broadcaster
 * on the in-memory bus, with its defaults on (history of 1000 per channel unless the scenario asks
 * for more, `<channel>/<position>` ids, per-connection write accounting and the 1 MiB slow-client cap).
 */
export const createOursServer: BenchServerFactory = ({ keepAliveMs, onConnection, channels, historySize }) => {
  const broadcaster = createBroadcaster(historySize === undefined ? {} : { history: { size: historySize } });
  broadcaster.on('connect', onConnection);
  const app = express();
  // A probe stream of the keepalive scenario carries every channel of it (more than the default 32).
  const maxChannelsPerStream = Math.max(32, channels.length);
  app.use(sseMiddleware({ broadcaster, keepAlive: { intervalMs: keepAliveMs }, maxChannelsPerStream }));
  const publish = (sequence: number, data: string, channel?: string): Promise<unknown> =>
    broadcaster.publish(channel ?? channels[sequence % channels.length], { data });
  const publishKeyed = async (channel: string, data: string, key: string | undefined): Promise<string> =>
    (await broadcaster.publish(channel, { data, key })).id;
  return { server: createServer(app), publish, publishKeyed };
};
