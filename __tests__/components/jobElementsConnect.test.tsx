import { createSseComponents } from '../../components/createSseComponents';
import { JobProgress, JobStatus } from '../../components/JobElements';
import { parseMarkup } from './parsedMarkup';

describe('<JobProgress connect> and <JobStatus connect>', () => {
  it('render the element inside an htmx 2 element of the job channel that swaps nothing itself', () => {
    const root = parseMarkup(<JobProgress jobId="j7" value={40} connect />);
    const stream = root.querySelector('.job-stream');
    expect(
      ['sse-connect', 'sse-swap', 'hx-ext', 'hx-swap', 'data-sse-connection', 'id'].map((name) =>
        stream?.getAttribute(name),
      ),
    ).toEqual(['/sse/job-j7', 'message', 'sse', 'none', 'job-progress-j7', 'sse-element-job-progress-j7']);
    expect(stream?.querySelector('#job-progress-j7')?.getAttribute('aria-valuenow')).toBe('40');
  });

  it('render for htmx 4 under another prefix, with an id template, a connection id and the render-time cursor', () => {
    const root = parseMarkup(
      <JobStatus
        jobId="j8"
        status="running"
        connect
        dialect="htmx4"
        prefix="/events"
        idTemplate="status-{jobId}"
        connectionId="job-line"
        lastEventId="0.5"
      />,
    );
    const stream = root.querySelector('.job-stream');
    expect(stream?.getAttribute('hx-sse:connect')).toBe('/events/job-j8?lastEventId=0.5');
    expect(stream?.getAttribute('sse-connect')).toBeUndefined();
    expect(stream?.getAttribute('data-sse-connection')).toBe('job-line');
    expect(stream?.querySelector('#status-j8')?.getAttribute('data-status')).toBe('running');
  });

  it('render no stream without connect, so the oob update stays the element alone', () => {
    const update = parseMarkup(<JobProgress jobId="j9" value={50} oob />);
    expect(update.querySelectorAll('[sse-connect], [hx-sse\\:connect], .job-stream')).toHaveLength(0);
    expect(update.firstChild?.toString().startsWith('<div id="job-progress-j9"')).toBe(true);
  });

  it('are bound to the app dialect and prefix by createSseComponents, with the cursor of its broadcaster', async () => {
    const { JobProgress: BoundProgress } = createSseComponents({
      dialect: 'htmx4',
      prefix: '/live',
      broadcaster: { cursor: async () => '0.9' },
    });
    const html = await BoundProgress({ jobId: 'b1', value: 1, connect: true });
    expect(parseMarkup(html).querySelector('.job-stream')?.getAttribute('hx-sse:connect')).toBe(
      '/live/job-b1?lastEventId=0.9',
    );
    // Without connect there is no stream, so no cursor is asked for: the element renders at once.
    expect(typeof BoundProgress({ jobId: 'b1', value: 1 })).toBe('string');
  });

  it('refuse a connect that is not a boolean, or that comes with oob, naming the value', () => {
    expect(() => <JobProgress jobId="a" value={1} connect={'yes' as unknown as boolean} />).toThrow(
      new TypeError('JobProgress: option "connect" must be a boolean, got "yes"'),
    );
    expect(() => <JobStatus jobId="a" status="done" connect oob />).toThrow(
      new TypeError('JobStatus: option "connect" must be left out of an oob update, got true'),
    );
    expect(() => <JobStatus jobId="a" status="done" connect dialect={'htmx3' as 'htmx2'} />).toThrow(/htmx3/);
    expect(() => <JobProgress jobId="a" value={1} connect prefix="sse" />).toThrow(TypeError);
  });
});
