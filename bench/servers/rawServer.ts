import { createServer } from 'node:http';
import type { BenchServerFactory } from './benchServer';
import { createRawFanOut } from './rawFanOut';

/** The practical limit: plain `node:http`, no library (see `rawFanOut.ts`). */
export const createRawServer: BenchServerFactory = ({ keepAliveMs, onConnection }) => {
  const fanOut = createRawFanOut(keepAliveMs, onConnection);
  return { server: createServer(fanOut.handle), publish: fanOut.publish };
};
