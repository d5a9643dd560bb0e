import { FrameQueue, type QueuedFrame } from '../../../lib/broadcast/frameQueue';

function frame(data: string, key?: string, channel = 'figures', live = true): QueuedFrame {
  return { frame: Buffer.from(`data: ${data}\n\n`), id: data, channel, key, live };
}

function drain(queue: FrameQueue): string[] {
  const taken: string[] = [];
  for (let next = queue.shift(); next; next = queue.shift()) taken.push(next.id!);
  return taken;
}

describe('FrameQueue (what waits for one client, keyed frames superseded)', () => {
  it('gives the latest frame of each key and channel at its own place, and every unkeyed frame, in order', () => {
    const queue = new FrameQueue([frame('cpu 1', 'cpu', 'figures', false), frame('alert 1')]);
    for (const next of [
      frame('memory 1', 'memory'),
      frame('cpu 2', 'cpu'),
      frame('cpu 1 elsewhere', 'cpu', 'other'),
      frame('alert 2'),
      frame('memory 2', 'memory'),
    ])
      queue.push(next);

    expect(queue.frames().map((queued) => queued.id)).toEqual([
      'alert 1',
      'cpu 2',
      'cpu 1 elsewhere',
      'alert 2',
      'memory 2',
    ]);
    expect(drain(queue)).toEqual(['alert 1', 'cpu 2', 'cpu 1 elsewhere', 'alert 2', 'memory 2']);
    expect(queue.shift()).toBeUndefined();
  });

  it('counts the bytes of the live frames it still holds, not of superseded or replayed ones', () => {
    const replayed = frame('cpu 0', 'cpu', 'figures', false);
    const queue = new FrameQueue([replayed]);
    expect(queue.liveBytes).toBe(0);
    const first = frame('cpu 1', 'cpu');
    queue.push(first);
    queue.push(frame('note'));
    expect(queue.liveBytes).toBe(first.frame.length + frame('note').frame.length);
    queue.push(frame('cpu 2', 'cpu'));
    expect(queue.liveBytes).toBe(frame('cpu 2').frame.length + frame('note').frame.length);
    expect(queue.shift()?.id).toBe('note');
    expect(queue.liveBytes).toBe(frame('cpu 2').frame.length);
    expect(queue.shift()?.id).toBe('cpu 2');
    expect(queue.liveBytes).toBe(0);
  });

  it('has, for a client that never read, the latest of each key after thousands of updates, and the unkeyed frame', () => {
    const queue = new FrameQueue();
    for (let second = 0; second < 5000; second += 1)
      for (const key of ['cpu', 'memory', 'disk']) queue.push(frame(`${key} ${second}`, key));
    queue.push(frame('note'));

    expect(queue.frames().map((queued) => queued.id)).toEqual(['cpu 4999', 'memory 4999', 'disk 4999', 'note']);
    expect(queue.liveBytes).toBe(queue.frames().reduce((sum, queued) => sum + queued.frame.length, 0));
  });
});
