import { createServer, type ServerResponse } from 'node:http';
import type { BenchServerFactory } from './benchServer';

/**
 * The practical limit: plain `node:http`, no library. Each event is encoded once into a Buffer
 * and that Buffer is written to every response; no history, ids from the sequence.
 */
export const createRawServer: BenchServerFactory = ({ keepAliveMs, onConnection }) => {
  const responses = new Set<ServerResponse>();
  const keepAliveFrame = Buffer.from(':\n\n');
  setInterval(() => {
    for (const res of responses) res.write(keepAliveFrame);
  }, keepAliveMs).unref();

  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.write(keepAliveFrame);
    responses.add(res);
    res.once('close', () => responses.delete(res));
    onConnection();
  });

  const publish = (sequence: number, data: string): void => {
    const frame = Buffer.from(`id: ${sequence}\ndata: ${data.replaceAll('\n', '\ndata: ')}\n\n`);
    for (const res of responses) res.write(frame);
  };
  return { server, publish };
};
