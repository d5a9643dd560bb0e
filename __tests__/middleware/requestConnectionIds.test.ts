import express from 'express';
import request from 'supertest';
import { requestConnectionIds } from '../../index';

describe('requestConnectionIds (the SSE-Connection-Id header a page sends with htmx requests)', () => {
  const app = express();
  app.post('/change', (req, res) => void res.json(requestConnectionIds(req)));

  it('reads stream ids and tabs of a shared stream (`<id>/<tab id>`), and leaves out anything else', async () => {
    const header = [
      'tab-own',
      'f9fb8f4a-d0d6-4747-84ac-32ab3b565fc6/mx3ulegl-l3mb7s5cp9',
      '/tab-only',
      'id-only/',
      'u42/bad tab',
      'bad id!/tab',
      'nested/id/tab',
      ` ${'x'.repeat(129)}/tab`,
    ].join(', ');
    const response = await request(app).post('/change').set('SSE-Connection-Id', header).expect(200);
    expect(response.body).toEqual(['tab-own', 'f9fb8f4a-d0d6-4747-84ac-32ab3b565fc6/mx3ulegl-l3mb7s5cp9']);
  });

  it('reads nothing from a request without the header', async () => {
    const response = await request(app).post('/change').expect(200);
    expect(response.body).toEqual([]);
  });
});
