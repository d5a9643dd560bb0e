import { parse } from 'node-html-parser';
import { BoardStore } from '../../demo/board/boardStore';
import { type DemoServer, startDemoServer } from '../../demo/startDemoServer';
import { RecordingEventSource } from '../support/eventSourceClient';

describe('demo streams', () => {
  let running: DemoServer;
  const clients: RecordingEventSource[] = [];
  const board = new BoardStore();
  beforeAll(async () => {
    board.add('kept across restarts');
    running = await startDemoServer({ port: 0, board, metricsIntervalMs: 60_000, jobTickMs: 20 });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    await running.close();
  });
  const listen = (channel: string): RecordingEventSource => {
    const client = new RecordingEventSource(`${running.url}/sse/${channel}`, ['sse:close']);
    clients.push(client);
    return client;
  };

  it('sends a dashboard stream the connections panel first, and leaves the board and jobs to the page and its resync', async () => {
    const fresh = listen('dashboard-htmx4');
    const returning = new RecordingEventSource(`${running.url}/sse/dashboard-htmx4?lastEventId=earlier`, ['sse:gap']);
    clients.push(returning);
    await Promise.all([fresh.received(1), returning.received(1), returning.received(1, 'sse:gap')]);
    for (const client of [fresh, returning]) {
      const figures = parse(client.data()[0]);
      expect(figures.querySelector('#connections-panel [data-channel="dashboard-htmx4"]')).not.toBeNull();
      // The system card's figures come from their own channel (systemFigures.test.ts).
      expect(figures.querySelector('#system-metrics')).toBeNull();
      expect(figures.querySelector('#board-items')).toBeNull();
      expect(figures.querySelector('#job-list')).toBeNull();
    }
    // The page of the stream that got the gap fetches what it needs instead.
    const page = parse(await (await fetch(`${running.url}/`)).text());
    expect(page.querySelector('[data-sse-resync]')?.getAttribute('data-sse-resync')).toBe(
      '/dashboard/state?dialect=htmx2',
    );
    const state = parse(await (await fetch(`${running.url}/dashboard/state?dialect=htmx4`)).text());
    expect(state.querySelector('#board-items')?.getAttribute('hx-swap-oob')).toBe('true');
    expect(state.querySelector('#board-items .note-text')?.textContent).toBe('kept across restarts');
    expect(state.querySelector('#job-list')?.getAttribute('hx-swap-oob')).toBe('true');
  });

  it('publishes board changes to the dashboards of both dialects', async () => {
    const two = listen('dashboard-htmx2');
    const four = listen('dashboard-htmx4');
    await Promise.all([two.received(1), four.received(1)]);
    board.add('<b>new</b> note');
    const isUpdate = (data: string): boolean => data.includes('&lt;b>new&lt;/b> note');
    await Promise.all([two.until(() => two.data().some(isUpdate)), four.until(() => four.data().some(isUpdate))]);
    expect(two.data().some((data) => data.includes('<b>new</b>'))).toBe(false);
  });

  it('leaves the tab that changed the board out of the broadcast of that change', async () => {
    const own = new RecordingEventSource(`${running.url}/sse/dashboard-htmx2`, ['sse:connection']);
    const other = listen('dashboard-htmx2');
    clients.push(own);
    await Promise.all([own.received(1), other.received(1), own.received(1, 'sse:connection')]);
    const ownId = own.data('sse:connection')[0];
    const response = await fetch(`${running.url}/board/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'SSE-Connection-Id': ownId },
      body: 'text=from+my+tab',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('from my tab');
    const isMine = (data: string): boolean => data.includes('from my tab');
    await other.until(() => other.data().some(isMine));
    // A later change from elsewhere reaches both: the first one never reached the tab that made it.
    board.add('from elsewhere');
    await own.until(() => own.data().some((data) => data.includes('from elsewhere')));
    expect(own.data().filter((data) => isMine(data) && !data.includes('from elsewhere'))).toEqual([]);
  });

  it('streams a job to 100 % on its channel, then closes it with reconnect: false', async () => {
    const job = running.demo.jobs.start('stream me', 300);
    const client = listen(`job-${job.id}`);
    await client.received(1, 'sse:close');
    expect(JSON.parse(client.data('sse:close')[0])).toMatchObject({ reconnect: false });
    const last = parse(client.data().at(-1) ?? '');
    expect(last.querySelector(`#job-progress-${job.id}`)?.getAttribute('aria-valuenow')).toBe('100');
    expect(last.querySelector(`#job-status-${job.id}`)?.getAttribute('data-status')).toBe('completed');
  });

  it('answers a stream opened after its job ended with the final state and a close', async () => {
    const job = running.demo.jobs.start('already over', 100);
    running.demo.jobs.cancel(job.id);
    const client = listen(`job-${job.id}`);
    await client.received(1, 'sse:close');
    expect(JSON.parse(client.data('sse:close')[0])).toMatchObject({ reconnect: false, reason: 'job cancelled' });
    expect(parse(client.data()[0]).querySelector(`#job-status-${job.id}`)?.getAttribute('data-status')).toBe(
      'cancelled',
    );
  });
});
