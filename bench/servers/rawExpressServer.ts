import { createServer } from 'node:http';
import express from 'express';
import { type BenchServerFactory, STREAM_PATH } from './benchServer';
import { createRawFanOut } from './rawFanOut';

/**
 * The practical limit on Express: the same no-library fan-out as `rawServer.ts`, served by one
 * Express 5 route, the obvious design of an Express app without an SSE library. It shows what
 * Express itself costs per connection, which every Express-based server pays.
 */
export const createRawExpressServer: BenchServerFactory = ({ keepAliveMs, onConnection }) => {
  const fanOut = createRawFanOut(keepAliveMs, onConnection);
  const app = express();
  app.get(STREAM_PATH, fanOut.handle);
  return { server: createServer(app), publish: fanOut.publish };
};
