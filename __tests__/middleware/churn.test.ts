import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { startTestServer, type TestServer } from '../support/testServer';

const CYCLES = 5000;
const PARALLEL = 50;

/** Counts of the kinds of handles the process holds (timers, sockets, ...). */
function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Opens a stream, waits for its first bytes (it is registered by then), and drops it. */
function cycle(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.once('data', () => {
        res.destroy();
        resolve();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connection churn', () => {
  let server: TestServer<undefined>;
  afterEach(() => server.close());

  it(`leaves nothing behind after ${CYCLES} connect/disconnect cycles`, async () => {
    server = await startTestServer({ keepAlive: { intervalMs: 60_000 } });
    const openSockets = new Set<Socket>();
    server.server.on('connection', (socket: Socket) => {
      openSockets.add(socket);
      socket.once('close', () => openSockets.delete(socket));
    });
    const listenerCounts = () => ({
      connect: server.broadcaster.listenerCount('connect'),
      disconnect: server.broadcaster.listenerCount('disconnect'),
      serverConnection: server.server.listenerCount('connection'),
    });
    const handlesBefore = handleCounts();
    const listenersBefore = listenerCounts();

    const url = `${server.url}/sse/churn`;
    for (let done = 0; done < CYCLES; done += PARALLEL) {
      await Promise.all(Array.from({ length: PARALLEL }, () => cycle(url)));
    }
    const allClosed = new Promise<void>((resolve) => {
      const check = () => {
        if (server.broadcaster.stats().connections > 0 || openSockets.size > 0) return;
        server.broadcaster.off('disconnect', check);
        resolve();
      };
      server.broadcaster.on('disconnect', check);
      for (const socket of openSockets) socket.once('close', check);
      check();
    });
    await allClosed;

    const stats = server.broadcaster.stats();
    expect(stats.connections).toBe(0);
    expect(stats.opened).toBe(CYCLES);
    expect(stats.closed.client).toBe(CYCLES);
    expect(stats.byChannel).toEqual({});
    expect(server.broadcaster.connections()).toEqual([]);
    expect(listenerCounts()).toEqual(listenersBefore);
    const handlesAfter = handleCounts();
    // Nothing left behind: no more timers or sockets than before. The worker may hold a timer or a
    // socket of an earlier suite that ends meanwhile (supertest's ephemeral servers close late), so
    // fewer is no leak.
    expect(handlesAfter.Timeout ?? 0).toBeLessThanOrEqual(handlesBefore.Timeout ?? 0);
    expect(handlesAfter.TCPSocketWrap ?? 0).toBeLessThanOrEqual(handlesBefore.TCPSocketWrap ?? 0);
  });
});
