import type { Server } from 'node:http';
import type { PublishOne } from '../publishLoop';

/** Where every bench server serves its one channel. */
export const STREAM_PATH = '/sse/bench';

/** The channels of a scenario: `bench` alone, or `bench-0` … `bench-<n-1>` on one stream. */
export function benchChannels(count: number): string[] {
  return count === 1 ? ['bench'] : Array.from({ length: count }, (_, i) => `bench-${i}`);
}

/** Where a client of a scenario with `count` channels per client connects. */
export function streamPathFor(count: number): string {
  return count === 1 ? STREAM_PATH : `/sse?channels=${benchChannels(count).join(',')}`;
}

/** What every bench server is given. */
export interface BenchServerOptions {
  /** Keep-alive interval of the library (each uses its own form: comment or event). */
  keepAliveMs: number;
  /** Called when a stream is registered and will receive the next broadcast. */
  onConnection(): void;
  /** The channels events go round (only servers of multi-channel scenarios get more than `bench`). */
  channels: readonly string[];
}

/** One server under test, as the server process drives it. */
export interface BenchServer {
  /** The HTTP server to listen with. */
  server: Server;
  /** Broadcasts one event to every stream; ids are the sequence (or the library's own). */
  publish: PublishOne;
  /** Settles once the server can publish (e.g. its bus is connected), when that takes time. */
  ready?: Promise<void>;
}

/** Builds a server under test. */
export type BenchServerFactory = (options: BenchServerOptions) => BenchServer;
