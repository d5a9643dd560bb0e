import { parse } from 'node-html-parser';
import { JobProgress, jobChannel } from '../../../components/JobElements';
import { connectPipeline } from '../../../lib/pipeline/connectPipeline';
import { ElementUpdater } from '../../../lib/pipeline/elementUpdater';
import { DispatchError, EventDispatcher } from '../../../lib/pipeline/eventDispatcher';
import { RecordingEventSource } from '../../support/eventSourceClient';
import { startTestServer, type TestServer } from '../../support/testServer';

interface JobEvent {
  jobId: string;
  percent: number;
}

describe('dispatcher → updater → broadcaster', () => {
  let server: TestServer<undefined>;
  const clients: RecordingEventSource[] = [];

  beforeEach(async () => {
    server = await startTestServer({ keepAlive: { intervalMs: 0 } });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  function listen(channel: string): RecordingEventSource {
    const client = new RecordingEventSource(`${server.url}/sse/${channel}`);
    clients.push(client);
    return client;
  }

  it('turns N job:progress events into N OOB progress fragments on job-{id}, in dispatch order', async () => {
    const N = 6;
    const dispatcher = new EventDispatcher<JobEvent>();
    const updater = new ElementUpdater<JobEvent>();
    // Rendering finishes in reverse order (each waits for its gate; the gates open last-first), so
    // fragments arrive in order only because the pipeline publishes per channel in dispatch order.
    const gates = Array.from({ length: N }, () => {
      let resolve: () => void = () => {};
      const promise = new Promise<void>((open) => {
        resolve = open;
      });
      return { promise, resolve };
    });
    updater.on('job:progress', async (data) => {
      await gates[data.percent / 10].promise;
      return <JobProgress jobId={data.jobId} value={data.percent} />;
    });
    connectPipeline({
      dispatcher,
      updater,
      broadcaster: server.broadcaster,
      pattern: 'job:progress',
      channel: (event) => jobChannel(event.data.jobId),
    });

    const job = listen('job-42');
    const otherJob = listen('job-7');
    await Promise.all([job.opened(), otherJob.opened()]);
    const dispatched = Array.from({ length: N }, (_, i) =>
      dispatcher.dispatch({ type: 'job:progress', data: { jobId: '42', percent: i * 10 } }),
    );
    for (const gate of [...gates].reverse()) gate.resolve();
    const receipts = await Promise.all(dispatched);
    await job.received(N);

    const fragments = job.data().map((html) => parse(html).querySelector('[hx-swap-oob]'));
    expect(
      fragments.map((element) => [
        element?.getAttribute('id'),
        element?.getAttribute('hx-swap-oob'),
        element?.getAttribute('aria-valuenow'),
      ]),
    ).toEqual(Array.from({ length: N }, (_, i) => ['job-progress-42', 'outerHTML', String(i * 10)]));
    expect(receipts.map(([receipt]) => (receipt as { delivered: number }).delivered)).toEqual(Array(N).fill(1));
    // The other job's stream got none of it: a marker published after everything is its first event.
    await server.broadcaster.publish('job-7', { data: 'marker' });
    await otherJob.received(1);
    expect(otherJob.data()).toEqual(['marker']);
  });

  it('publishes nothing when the updater renders nothing, and names the pipeline when the channel is bad', async () => {
    const dispatcher = new EventDispatcher<JobEvent>();
    const updater = new ElementUpdater<JobEvent>();
    connectPipeline({
      dispatcher,
      updater,
      broadcaster: server.broadcaster,
      pattern: 'job:*',
      channel: (event) => `job-${event.data.jobId}`,
    });
    await expect(dispatcher.dispatch({ type: 'job:unrendered', data: { jobId: '1', percent: 0 } })).resolves.toEqual([
      undefined,
    ]);
    expect(server.broadcaster.stats().published).toBe(0);
    const error = await dispatcher
      .dispatch({ type: 'job:x', data: { jobId: 'bad id', percent: 0 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DispatchError);
    expect((error as DispatchError).errors[0].handler).toBe('connectPipeline(job:*)');
    expect((error as DispatchError).message).toContain('channel name must match');
  });

  it('publishes as a named event when asked, and disconnects', async () => {
    const dispatcher = new EventDispatcher<JobEvent>();
    const updater = new ElementUpdater<JobEvent>();
    updater.on('job:progress', (data) => <JobProgress jobId={data.jobId} value={data.percent} />);
    const disconnect = connectPipeline({
      dispatcher,
      updater,
      broadcaster: server.broadcaster,
      pattern: 'job:progress',
      channel: () => 'jobs',
      event: 'job-update',
    });
    const client = new RecordingEventSource(`${server.url}/sse/jobs`, ['job-update']);
    clients.push(client);
    await client.opened();
    await dispatcher.dispatch({ type: 'job:progress', data: { jobId: '3', percent: 50 } });
    await client.received(1, 'job-update');
    expect(parse(client.data('job-update')[0]).querySelector('#job-progress-3')?.getAttribute('aria-valuenow')).toBe(
      '50',
    );
    disconnect();
    expect(dispatcher.handlerCount('job:progress')).toBe(0);
    expect(() =>
      connectPipeline({
        dispatcher,
        updater,
        broadcaster: server.broadcaster,
        pattern: 'job:progress',
        channel: () => 'x',
        event: 'a\nb',
      }),
    ).toThrow(TypeError);
    expect(() =>
      connectPipeline({ dispatcher, updater, broadcaster: server.broadcaster, pattern: 'job:**:', channel: () => 'x' }),
    ).toThrow('"job:**:"');
  });
});
