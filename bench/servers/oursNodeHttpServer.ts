import { createServer } from 'node:http';
import { createBroadcaster, KeepAlive, openEventStream } from '../../index';
import { type BenchServerFactory, channelOfPath } from './benchServer';

/**
 * This library without Express: the same broadcaster and defaults as `oursServer.ts`, on plain
 * `node:http` through the public `openEventStream` + `broadcaster.connect`. It isolates the
 * library's own cost from Express's (see BENCHMARKS.md).
 */
export const createOursNodeHttpServer: BenchServerFactory = ({ keepAliveMs, onConnection }) => {
  const broadcaster = createBroadcaster();
  broadcaster.on('connect', onConnection);
  const keepAlive = new KeepAlive({ intervalMs: keepAliveMs });
  const server = createServer((req, res) => {
    openEventStream(req, res);
    const connection = broadcaster.connect(res, { channel: channelOfPath(req.url), metadata: undefined });
    keepAlive.add(connection);
    res.once('close', () => keepAlive.delete(connection));
  });
  const publish = (_sequence: number, data: string, channel = 'bench'): Promise<unknown> =>
    broadcaster.publish(channel, { data });
  return { server, publish };
};
