import { createServer } from 'node:http';
import { createChannel, createSession } from 'better-sse';
import express from 'express';
import { type BenchServerFactory, STREAM_PATH } from './benchServer';

/**
 * better-sse as its README shows it: Express, `createSession` per request, one channel, and
 * `channel.broadcast` (its default JSON serializer; the event id is the sequence).
 */
export const createBetterSseServer: BenchServerFactory = ({ keepAliveMs, onConnection }) => {
  const channel = createChannel();
  channel.on('session-registered', onConnection);
  const app = express();
  app.get(STREAM_PATH, async (req, res) => {
    const session = await createSession(req, res, { keepAlive: keepAliveMs });
    channel.register(session);
  });
  const publish = (sequence: number, data: string): void => {
    channel.broadcast(data, 'message', { eventId: String(sequence) });
  };
  return { server: createServer(app), publish };
};
