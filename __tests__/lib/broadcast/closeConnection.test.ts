import express from 'express';
import { createBroadcaster, sseMiddleware } from '../../../index';
import { openTestStream } from '../../../testing';

describe('broadcaster.closeConnection', () => {
  const broadcaster = createBroadcaster();
  const app = express();
  app.use(sseMiddleware({ broadcaster }));
  afterAll(() => broadcaster.close({ reconnect: false }));

  it('ends exactly one stream with a close event and leaves the others on the channel open', async () => {
    const connected = new Promise<string>((resolve) => broadcaster.once('connect', (info) => resolve(info.id)));
    const cut = await openTestStream(app, { path: '/sse/room' });
    const id = await connected;
    const stays = await openTestStream(app, { path: '/sse/room' });
    try {
      expect(broadcaster.closeConnection(id, { reason: 'logged out' })).toBe(true);
      const ending = await cut.waitFor(5);
      expect(ending.reason).toBe('ended');
      expect(ending.events).toEqual([
        {
          type: 'sse:close',
          data: JSON.stringify({ reconnect: false, reason: 'logged out' }),
          lastEventId: expect.any(String),
        },
      ]);
      expect(broadcaster.connections('room').map((info) => info.id)).not.toContain(id);
      await broadcaster.publish('room', { data: 'still here' });
      expect((await stays.waitFor(1)).events[0].data).toBe('still here');
      expect(broadcaster.closeConnection(id)).toBe(false);
    } finally {
      await cut.close();
      await stays.close();
    }
  });
});
