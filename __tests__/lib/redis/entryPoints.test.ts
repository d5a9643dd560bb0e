import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoBus } from '../../../demo/createDemoBus';
import { bundleNodeProgram } from '../../support/bundleNodeProgram';
import { RedisServer } from '../../support/redisServer';

const root = join(__dirname, '..', '..', '..');

/** Which Redis client modules a fresh Node process has loaded after requiring `entry`. */
function redisModulesLoadedBy(entry: string): string[] {
  const outfile = bundleNodeProgram(join(root, entry));
  const script = `require(${JSON.stringify(outfile)}); console.log(JSON.stringify(Object.keys(require.cache).filter((path) => /node_modules[\\\\/](redis|@redis)[\\\\/]/.test(path))));`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('entry points', () => {
  it('keeps the Redis client out of the main entry and in express-htmx-sse/redis', () => {
    expect(redisModulesLoadedBy('index.ts')).toEqual([]);
    expect(redisModulesLoadedBy('redis.ts').length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(manifest.exports['./redis']).toEqual({ types: './dist/redis.d.ts', default: './dist/redis.js' });
    expect(manifest.peerDependenciesMeta.redis).toEqual({ optional: true });
  });

  it('gives the demo the in-memory bus without REDIS_URL and a connected Redis bus with it', async () => {
    expect(await createDemoBus({})).toBeUndefined();
    const redis = await RedisServer.start();
    try {
      const bus = await createDemoBus({ REDIS_URL: redis.url });
      expect(bus?.state()).toMatchObject({ kind: 'redis', connected: true, keyPrefix: 'sse-demo:' });
      await bus?.close();
    } finally {
      await redis.dispose();
    }
  });
});
