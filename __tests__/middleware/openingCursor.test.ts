import { get } from 'node:http';
import { type OutageServer, startOutageServer } from '../support/outageServer';

/** Reads a stream until it holds `frames` blank-line-terminated frames, then hangs up. */
function readFrames(url: string, frames: number, headers: Record<string, string> = {}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const complete = text.split('\n\n').slice(0, -1);
        if (complete.length < frames) return;
        req.destroy();
        resolve(complete.slice(0, frames));
      });
    });
    req.on('error', reject);
  });
}

describe('every stream opens with the current cursor', () => {
  let server: OutageServer<undefined>;
  beforeEach(async () => {
    server = await startOutageServer();
  });
  afterEach(() => server.close());

  it('sends `id: <position>` with no data right after `retry:`: the newest position of the whole bus', async () => {
    const before = await server.broadcaster.publish('other', { data: 'x' });
    const [retry, cursor] = await readFrames(`${server.url}/sse?channels=feed,news`, 2);
    expect(retry).toMatch(/^retry: \d+$/);
    expect(cursor).toBe(`id: ${before.id.split('/')[1]}`);
  });

  it.each([
    ['one channel', '/sse/feed'],
    ['several channels', '/sse?channels=feed,news'],
  ])('on %s, a client that left before any event and comes back with that id misses nothing', async (_what, path) => {
    const [, opening] = await readFrames(`${server.url}${path}`, 2);
    const cursor = opening.slice('id: '.length);
    const sent = ['one', 'two', 'three', 'four', 'five'];
    for (const data of sent) await server.broadcaster.publish('feed', { data });
    await server.broadcaster.publish('elsewhere', { data: 'not on this stream' });
    const frames = await readFrames(`${server.url}${path}`, 7, { 'Last-Event-ID': cursor });
    // The resumed stream opens at the client's cursor, then replays exactly the five.
    expect(frames[1]).toBe(`id: ${cursor}`);
    expect(frames.slice(2).map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))).toEqual(
      sent.map((data) => `data: ${data}`),
    );
    expect(frames.slice(2).every((frame) => /^id: feed\/\d+-\d+$/m.test(frame))).toBe(true);
  });
});
