import { get } from 'node:http';
import { RecordingEventSource } from '../support/eventSourceClient';
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

/** The id of an `sse:cursor` frame. */
function cursorOf(frame: string): string {
  expect(frame.split('\n')[0]).toBe('event: sse:cursor');
  return frame.split('\n')[1].slice('id: '.length);
}

describe('every stream opens with the current cursor', () => {
  let server: OutageServer<undefined>;
  beforeEach(async () => {
    server = await startOutageServer();
  });
  afterEach(() => server.close());

  it('sends the sse:cursor event, id the newest position of the whole bus and empty data, right after `retry:`', async () => {
    const before = await server.broadcaster.publish('other', { data: 'x' });
    const [retry, cursor] = await readFrames(`${server.url}/sse?channels=feed,news`, 2);
    expect(retry).toMatch(/^retry: \d+$/);
    expect(cursor).toBe(`event: sse:cursor\nid: ${before.id.split('/')[1]}\ndata:`);
  });

  it.each([
    ['one channel', '/sse/feed'],
    ['several channels', '/sse?channels=feed,news'],
  ])('on %s, a client that left before any event and comes back with that id misses nothing', async (_what, path) => {
    const [, opening] = await readFrames(`${server.url}${path}`, 2);
    const cursor = cursorOf(opening);
    const sent = ['one', 'two', 'three', 'four', 'five'];
    for (const data of sent) await server.broadcaster.publish('feed', { data });
    await server.broadcaster.publish('elsewhere', { data: 'not on this stream' });
    const frames = await readFrames(`${server.url}${path}`, 8, { 'Last-Event-ID': cursor });
    // The resumed stream opens at the client's cursor and its id event, then replays exactly the five.
    expect(cursorOf(frames[1])).toBe(cursor);
    expect(frames[2]).toMatch(/^event: sse:connection\ndata: /);
    expect(frames.slice(3).map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))).toEqual(
      sent.map((data) => `data: ${data}`),
    );
    expect(frames.slice(3).every((frame) => /^id: feed\/[0-9a-zA-Z]+\.[0-9a-zA-Z]+$/m.test(frame))).toBe(true);
  });

  it.each([
    ['one channel', '/sse/feed'],
    ['several channels', '/sse?channels=feed,news'],
  ])(
    'on %s, the eventsource client that received nothing resumes after a drop with every event published meanwhile',
    async (_what, path) => {
      const client = new RecordingEventSource(`${server.url}${path}`, ['sse:cursor']);
      try {
        await client.received(1, 'sse:cursor');
        expect(client.data('message')).toEqual([]);
        await server.drop();
        const sent = ['one', 'two', 'three', 'four', 'five'];
        for (const data of sent) await server.broadcaster.publish('feed', { data });
        await server.restore();
        await client.received(5);
        expect(client.data('message')).toEqual(sent);
      } finally {
        client.close();
      }
    },
  );
});
