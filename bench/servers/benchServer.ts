import type { Server } from 'node:http';
import type { BenchChannel } from '../benchProtocol';

/** Where every bench server serves its one channel. */
export const STREAM_PATH = '/sse/bench';
/** Where the servers of scale100k serve the few streams that probe live latency. */
export const PROBE_PATH = '/sse/probe';

/** The channel a request's path asks for: the probe channel, else the bench channel. */
export function channelOfPath(path: string | undefined): BenchChannel {
  return path === PROBE_PATH ? 'probe' : 'bench';
}

/** The channels of a scenario: `bench` alone, or `bench-0` … `bench-<n-1>` on one stream. */
export function benchChannels(count: number): string[] {
  return count === 1 ? ['bench'] : Array.from({ length: count }, (_, i) => `bench-${i}`);
}

/** Where a client connects for one stream of the given channels. */
export function channelsPath(channels: readonly string[]): string {
  return `/sse?channels=${channels.join(',')}`;
}

/** Where a client of a scenario with `count` channels per client connects. */
export function streamPathFor(count: number): string {
  return count === 1 ? STREAM_PATH : channelsPath(benchChannels(count));
}

/** What every bench server is given. */
export interface BenchServerOptions {
  /** Keep-alive interval of the library (each uses its own form: comment or event). */
  keepAliveMs: number;
  /** Called when a stream is registered and will receive the next broadcast. */
  onConnection(): void;
  /** The channels events go round (only servers of multi-channel scenarios get more than `bench`). */
  channels: readonly string[];
  /** Events of history per channel, for the servers that keep it (default: each library's own). */
  historySize?: number;
}

/** One server under test, as the server process drives it. */
export interface BenchServer {
  /** The HTTP server to listen with. */
  server: Server;
  /**
   * Broadcasts one event to every stream of a channel (default `bench`; only the servers of
   * scale100k serve `probe`); ids are the sequence (or the library's own).
   */
  publish(sequence: number, data: string, channel?: BenchChannel): unknown;
  /**
   * Publishes one event on `channel` with the library's own API, keyed when `key` is given, and
   * resolves with its id (the compaction scenario; only this library's servers have keys).
   */
  publishKeyed?(channel: string, data: string, key: string | undefined): Promise<string>;
  /** Settles once the server can publish (e.g. its bus is connected), when that takes time. */
  ready?: Promise<void>;
}

/** Builds a server under test. */
export type BenchServerFactory = (options: BenchServerOptions) => BenchServer;
