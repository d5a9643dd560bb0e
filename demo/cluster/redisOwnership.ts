import { connect } from 'node:net';

// Generous: on a busy machine the event loop can lag seconds, and this timer would fire before the reply is read.
const ANSWER_TIMEOUT_MS = 30_000;

/** The `process_id` that the Redis answering on `127.0.0.1:port` reports in `INFO server`. */
export function redisProcessId(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = Buffer.alloc(0);
    const finish = (error: Error | undefined, pid?: number): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(pid as number);
    };
    const timer = setTimeout(
      () => finish(new Error(`127.0.0.1:${port} did not answer INFO server within ${ANSWER_TIMEOUT_MS} ms`)),
      ANSWER_TIMEOUT_MS,
    );
    socket.once('error', (error) => finish(new Error(`127.0.0.1:${port}: ${error.message}`)));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      const text = reply.toString('latin1');
      const header = /^\$(\d+)\r\n/.exec(text);
      if (!header) {
        if (text.includes('\r\n'))
          finish(new Error(`127.0.0.1:${port} answered INFO server with ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const body = text.slice(header[0].length, header[0].length + Number(header[1]));
      if (body.length < Number(header[1])) return;
      const pid = /^process_id:(\d+)\r?$/m.exec(body);
      if (pid) finish(undefined, Number(pid[1]));
      else finish(new Error(`127.0.0.1:${port} answered INFO server without a process_id`));
    });
    socket.write('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n');
  });
}

/**
 * Proves that the Redis answering on `127.0.0.1:port` is the `redis-server` child `pid`, and
 * throws otherwise: another server that won the port (or an impostor) must never be used, since
 * a test or benchmark would read and write its data.
 */
export async function assertOwnRedis(port: number, pid: number | undefined): Promise<void> {
  const answering = await redisProcessId(port);
  if (answering !== pid)
    throw new Error(
      `the Redis on 127.0.0.1:${port} is process ${answering}, not the redis-server started for this run (pid ${pid}): refusing to use it`,
    );
}
