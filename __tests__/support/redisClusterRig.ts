import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { freePort } from '../../demo/cluster/freePort';
import { RedisServer } from './redisServer';

const run = promisify(execFile);
const REDIS_CLI = '/usr/bin/redis-cli';
const SETTLE_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

/** What a node says of itself and the cluster. */
interface NodeView {
  role: 'master' | 'slave';
  state: string;
  slotsOk: number;
  knownNodes: number;
}

async function ask(port: number, args: readonly string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

async function view(port: number): Promise<NodeView> {
  const info = await ask(port, ['CLUSTER', 'INFO']);
  const field = (name: string): string => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? '';
  const role = /^role:(\S+)/m.exec(await ask(port, ['INFO', 'replication']))?.[1];
  return {
    role: role === 'master' ? 'master' : 'slave',
    state: field('cluster_state'),
    slotsOk: Number(field('cluster_slots_ok')),
    knownNodes: Number(field('cluster_known_nodes')),
  };
}

/** Tries per node: another process can take a free port between our probe and the server's bind. */
const START_ATTEMPTS = 3;

/** One cluster-enabled node on free client and cluster-bus ports (none in `taken`, which it extends). */
async function startNode(taken: Set<number>): Promise<RedisServer> {
  for (let attempt = 1; ; attempt += 1) {
    let busPort = await freePort();
    while (taken.has(busPort)) busPort = await freePort();
    const args = [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '1000',
      '--cluster-port',
      String(busPort),
      // The other shards keep answering while one fails over.
      '--cluster-require-full-coverage',
      'no',
      // A replica's first sync starts at once. By default a master waits 5 s for more replicas
      // before it streams its data, and a replica that has never synced may not stand for election
      // ("Disconnected from master for longer than allowed"): a master killed in those 5 s left its
      // slots without a master for good (issue 27).
      '--repl-diskless-sync-delay',
      '0',
      // A synced replica stands for election however long its master has been gone: under CPU load an
      // election can fail and be retried at growing intervals past the default allowance (node timeout
      // × 10 + 10 s). The rig only kills a master whose replica is synced (killMaster), so this never
      // promotes a replica without the master's data.
      '--cluster-replica-validity-factor',
      '0',
    ];
    try {
      const node = await RedisServer.start({ args });
      taken.add(busPort).add(node.port);
      return node;
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !String(error).includes('Address already in use')) throw error;
    }
  }
}

/**
 * A Redis Cluster of the test's own on loopback: `masters` masters with one replica each, every
 * `redis-server` on free ports (client and cluster bus), each proven to be our child before the
 * cluster is made with `redis-cli --cluster create`. Never the machine's Redis.
 */
export class RedisClusterRig {
  readonly nodes: readonly RedisServer[];

  private constructor(nodes: RedisServer[]) {
    this.nodes = nodes;
  }

  /** Starts the servers, creates the cluster, and resolves once every node sees every slot served. */
  static async start(masters = 3): Promise<RedisClusterRig> {
    const nodes: RedisServer[] = [];
    const rig = new RedisClusterRig(nodes);
    try {
      const taken = new Set<number>();
      for (let index = 0; index < masters * 2; index += 1) nodes.push(await startNode(taken));
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      await run(REDIS_CLI, ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], {
        timeout: 30_000,
      });
      await rig.settled();
      for (const master of await rig.masters()) await rig.replicaSynced(master);
    } catch (error) {
      await rig.dispose();
      throw error;
    }
    return rig;
  }

  /** The nodes' URLs, for `RedisBus({ cluster: { rootNodes } })`. */
  get rootNodes(): string[] {
    return this.nodes.map((node) => node.url);
  }

  /** The running nodes that are masters now. */
  async masters(): Promise<RedisServer[]> {
    const running = await this.#running();
    const roles = await Promise.all(running.map(async (node) => (await view(node.port)).role));
    return running.filter((_, index) => roles[index] === 'master');
  }

  /**
   * The master serving `key` now, as the first running node's `CLUSTER NODES` says (asked again,
   * bounded, while a failover is still being agreed on).
   */
  async masterOf(key: string): Promise<RedisServer> {
    const slot = Number(await ask(this.nodes[0].port, ['CLUSTER', 'KEYSLOT', key]));
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let table = '';
    while (Date.now() < deadline) {
      const [seen] = await this.#running();
      table = await ask(seen.port, ['CLUSTER', 'NODES']);
      const port = masterPortOfSlot(table, slot);
      const node = this.nodes.find((candidate) => candidate.port === port);
      if (node) return node;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`no master serves slot ${slot}:\n${table}\n${this.logTails()}`);
  }

  /**
   * Waits until `master` has a replica whose link is up and synced (`INFO replication` on the master
   * names it `state=online`): a replica that has never synced cannot take over.
   */
  async replicaSynced(master: RedisServer): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let replication = '';
    while (Date.now() < deadline) {
      replication = await ask(master.port, ['INFO', 'replication']);
      if (/^slave\d+:.*state=online/m.test(replication)) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(
      `127.0.0.1:${master.port} had no synced replica within ${SETTLE_TIMEOUT_MS} ms:\n${replication}\n${this.logTails()}`,
    );
  }

  /**
   * Kills `master` (SIGKILL: a crash; persistence is off, so its data is gone) once its replica is
   * synced, and resolves once that replica has taken over by a real election (no `CLUSTER FAILOVER`
   * is sent) and every running node sees every slot served again.
   */
  async killMaster(master: RedisServer): Promise<void> {
    await this.replicaSynced(master);
    await master.crash();
    await this.settled();
  }

  /**
   * Starts a killed node again (proven ours, as at first): it rejoins the cluster as a replica of
   * the master that took its place. Resolves once it has synced with that master.
   */
  async rejoin(node: RedisServer): Promise<void> {
    await node.start();
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let replication = '';
    while (Date.now() < deadline) {
      replication = await ask(node.port, ['INFO', 'replication']);
      if (/^role:slave/m.test(replication) && /^master_link_status:up/m.test(replication)) return this.settled();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(
      `127.0.0.1:${node.port} did not rejoin as a synced replica within ${SETTLE_TIMEOUT_MS} ms:\n${replication}\n${this.logTails()}`,
    );
  }

  /**
   * Resolves once every running node says the cluster is ok with all 16,384 slots served by masters;
   * past `timeoutMs` it fails with what the nodes said and the tail of each node's log.
   */
  async settled(timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const running = await this.#running();
      const views = await Promise.all(running.map((node) => view(node.port).catch(() => undefined)));
      const masters = views.filter((seen) => seen?.role === 'master').length;
      if (views.every((seen) => seen?.state === 'ok' && seen.slotsOk === 16_384) && masters >= this.nodes.length / 2)
        return;
      last = JSON.stringify(views);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`the cluster did not settle within ${timeoutMs} ms: ${last}\n${this.logTails()}`);
  }

  /** Each node's port, role as last seen, and the tail of its log: what a rig failure prints. */
  logTails(lines = 30): string {
    return this.nodes.map((node) => `--- 127.0.0.1:${node.port} ---\n${node.logTail(lines)}`).join('\n');
  }

  /** How many connections each running node has from clients named `<prefix>…`, by node port. */
  async clientsNamed(prefix: string): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const node of await this.#running()) {
      const list = await ask(node.port, ['CLIENT', 'LIST']);
      counts.set(node.port, list.split('\n').filter((line) => line.includes(` name=${prefix}`)).length);
    }
    return counts;
  }

  /** Stops every node and removes their directories. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }

  async #running(): Promise<RedisServer[]> {
    const alive = await Promise.all(
      this.nodes.map(async (node) => {
        const client = createClient({ url: node.url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.ping();
          return true;
        } catch {
          return false;
        } finally {
          if (client.isOpen) client.destroy();
        }
      }),
    );
    return this.nodes.filter((_, index) => alive[index]);
  }
}

/**
 * The port of the healthy master that `CLUSTER NODES` (one node per line: id, `ip:port@busport`,
 * flags, master id, ping, pong, epoch, link state, slot ranges) gives `slot`.
 */
function masterPortOfSlot(table: string, slot: number): number | undefined {
  for (const line of table.split('\n')) {
    const [, address, flags, , , , , link, ...ranges] = line.trim().split(' ');
    if (!address || !flags?.split(',').includes('master') || flags.includes('fail') || link !== 'connected') continue;
    const owns = ranges.some((range) => {
      const [low, high = low] = range.split('-').map(Number);
      return slot >= low && slot <= high;
    });
    if (owns) return Number(address.split('@')[0].split(':')[1]);
  }
  return undefined;
}
