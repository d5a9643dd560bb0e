import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BenchChannel } from '../benchProtocol';
import { channelOfPath } from './benchServer';

/** A request handler holding streams open, and a broadcast to all of them. */
export interface RawFanOut {
  handle(req: IncomingMessage, res: ServerResponse): void;
  publish(sequence: number, data: string, channel?: BenchChannel): void;
}

/**
 * The practical limit, with no library: every stream kept in a Set (one per channel); each event
 * encoded once into a Buffer and that Buffer written to every response; ids from the sequence;
 * no history. Comment keep-alives every `keepAliveMs`, to every stream in one tick.
 */
export function createRawFanOut(keepAliveMs: number, onConnection: () => void): RawFanOut {
  const channels: Record<BenchChannel, Set<ServerResponse>> = { bench: new Set(), probe: new Set() };
  const keepAliveFrame = Buffer.from(':\n\n');
  setInterval(() => {
    for (const responses of Object.values(channels)) for (const res of responses) res.write(keepAliveFrame);
  }, keepAliveMs).unref();

  return {
    handle(req, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      req.socket.setNoDelay(true);
      req.socket.setTimeout(0);
      res.write(keepAliveFrame);
      const responses = channels[channelOfPath(req.url)];
      responses.add(res);
      res.once('close', () => responses.delete(res));
      onConnection();
    },
    publish(sequence, data, channel = 'bench') {
      const frame = Buffer.from(`id: ${sequence}\ndata: ${data.replaceAll('\n', '\ndata: ')}\n\n`);
      for (const res of channels[channel]) res.write(frame);
    },
  };
}
