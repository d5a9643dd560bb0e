import { createServer, type Server, type Socket } from 'node:net';
import { createClient } from 'redis';
import { redisProcessId } from '../../demo/cluster/redisOwnership';
import { RedisServer } from './redisServer';

/** A tiny TCP server that answers every RESP command as a Redis would, as process `pid`. */
async function startFakeRedis(pid: number): Promise<{ server: Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = createServer((socket: Socket) => {
    socket.on('data', (chunk: Buffer) => {
      commands.push(chunk.toString('latin1'));
      const info = `# Server\r\nredis_version:7.0.0\r\nprocess_id:${pid}\r\ntcp_port:0\r\n`;
      socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, commands };
}

describe('RedisServer (the tests own Redis)', () => {
  it('refuses to start when another server answers on the port it wanted, naming both processes', async () => {
    const fake = await startFakeRedis(4242);
    try {
      // Our redis-server binds another loopback address, so it starts; the port the helper hands
      // out (127.0.0.1) is answered by the impostor, as when another Redis wins the port race.
      const failure = await RedisServer.start({ port: fake.port, bindAddress: '127.0.0.2' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(
        new RegExp(
          `^the Redis on 127\\.0\\.0\\.1:${fake.port} is process 4242, not the redis-server started for this run \\(pid \\d+\\): refusing to use it$`,
        ),
      );
      expect(fake.commands.join('')).toContain('INFO');
    } finally {
      await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    }
  });

  it('starts when the server on its port is its own child, and proves it again after a restart', async () => {
    const redis = await RedisServer.start();
    try {
      const first = await redisProcessId(redis.port);
      const client = createClient({ url: redis.url });
      client.on('error', () => undefined);
      await client.connect();
      const info = await client.info('server');
      client.destroy();
      expect(info).toContain(`process_id:${first}`);
      expect(info).toContain(`tcp_port:${redis.port}`);
      await redis.stop();
      await redis.start();
      expect(await redisProcessId(redis.port)).not.toBe(first);
    } finally {
      await redis.dispose();
    }
  });

  it('keeps its log across a crash and a restart, with a marker at each start and exit', async () => {
    const redis = await RedisServer.start();
    try {
      await redis.crash();
      await redis.start();
      const tail = redis.logTail(400);
      expect(tail.match(/--- redis-server started \(pid \d+\) ---/g)).toHaveLength(2);
      expect(tail).toMatch(/--- redis-server \(pid \d+\) exited: SIGKILL ---/);
      expect(tail.match(/Ready to accept connections/g)).toHaveLength(2);
    } finally {
      await redis.dispose();
    }
  });
});
