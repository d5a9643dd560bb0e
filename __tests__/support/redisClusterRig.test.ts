import { RedisClusterRig } from './redisClusterRig';

describe('RedisClusterRig (the tests own Redis Cluster)', () => {
  it('starts with every master replicated by a synced replica', async () => {
    const rig = await RedisClusterRig.start();
    try {
      const masters = await rig.masters();
      expect(masters).toHaveLength(3);
      // Resolves at once: start() waited for each replica's first sync.
      for (const master of masters) await rig.replicaSynced(master);
    } finally {
      await rig.dispose();
    }
  }, 60_000);

  it('when the cluster cannot settle (a shard lost master and replica), fails naming each node with its log tail', async () => {
    const rig = await RedisClusterRig.start();
    try {
      const [master] = await rig.masters();
      const replica = rig.nodes.find((node) =>
        node.logTail(400).includes(`Connecting to MASTER 127.0.0.1:${master.port}`),
      );
      expect(replica).toBeDefined();
      await replica!.crash();
      await master.crash();
      const failure = await rig.settled(2000).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(/^the cluster did not settle within 2000 ms/);
      for (const node of rig.nodes) expect(failure?.message).toContain(`--- 127.0.0.1:${node.port} ---`);
      expect(failure?.message).toContain(`redis-server (pid`);
      expect(failure?.message.match(/exited: SIGKILL/g)).toHaveLength(2);
    } finally {
      await rig.dispose();
    }
  }, 60_000);
});
