import { createServer } from 'node:http';
import SseChannel from 'sse-channel';
import type { BenchServerFactory } from './benchServer';

/** sse-channel as its README shows it: plain `node:http`, one channel with history, numeric ids. */
export const createSseChannelServer: BenchServerFactory = ({ keepAliveMs, onConnection }) => {
  const channel = new SseChannel({ pingInterval: keepAliveMs, historySize: 500 });
  channel.on('connect', onConnection);
  const server = createServer((req, res) => channel.addClient(req, res));
  const publish = (sequence: number, data: string): void => {
    channel.send({ id: sequence, data });
  };
  return { server, publish };
};
