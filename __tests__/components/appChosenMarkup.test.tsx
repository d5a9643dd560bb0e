/**
 * The markup choices issue 14 gives the app: element ids, the element `SseElement` renders, a
 * monitor without an indicator, job element id templates and initial content, the counter.
 */
import { ConnectionCounter } from '../../components/ConnectionCounter';
import { ConnectionMonitor } from '../../components/ConnectionMonitor';
import { createSseComponents } from '../../components/createSseComponents';
import { JobProgress, JobStatus, jobProgressId, jobStatusId } from '../../components/JobElements';
import { SseElement } from '../../components/SseElement';
import { parseMarkup } from './parsedMarkup';

describe('markup the app chooses', () => {
  it('renders <SseElement as="section"> with its id, children and attributes, for both dialects', () => {
    for (const dialect of ['htmx2', 'htmx4'] as const) {
      const root = parseMarkup(
        <SseElement
          connectionId="feed"
          id="live-feed"
          as="section"
          channel="feed"
          dialect={dialect}
          attributes={{ 'aria-label': 'Feed' }}
        >
          <h2>Feed</h2>
        </SseElement>,
      );
      const section = root.querySelector('section');
      expect(section?.getAttribute('id')).toBe('live-feed');
      expect(section?.getAttribute('data-sse-connection')).toBe('feed');
      expect(section?.getAttribute('aria-label')).toBe('Feed');
      expect(section?.getAttribute(dialect === 'htmx2' ? 'sse-connect' : 'hx-sse:connect')).toBe('/sse/feed');
      expect(section?.querySelector('h2')?.text).toBe('Feed');
      expect(root.querySelector('div')).toBeNull();
    }
  });

  it('refuses an `as` that cannot hold content and an id with spaces, naming the value', () => {
    expect(() => <SseElement connectionId="x" channel="x" as="script" />).toThrow(
      'as must be the lower-case name of an element that holds content, got "script"',
    );
    expect(() => <SseElement connectionId="x" channel="x" as={'Div onclick' as string} />).toThrow(TypeError);
    expect(() => <SseElement connectionId="x" channel="x" id="two words" />).toThrow(
      'id must be an element id (1-200 characters, no spaces or quotes), got "two words"',
    );
  });

  it('renders a monitor with its indicator under the app-chosen id, or with no indicator at all', () => {
    const shown = parseMarkup(<ConnectionMonitor connectionId="feed" id="feed-state" />);
    const container = shown.querySelector('#feed-state');
    expect(JSON.parse(container?.getAttribute('data-sse-monitor') ?? '{}')).toMatchObject({
      connectionId: 'feed',
      statusId: 'feed-state',
      autoReconnect: true,
    });
    const quiet = parseMarkup(
      <ConnectionMonitor connectionId="feed" indicator={false} config={{ autoReconnect: false }} />,
    );
    const holder = quiet.querySelector('[data-sse-monitor]');
    expect(holder?.hasAttribute('hidden')).toBe(true);
    expect(holder?.childNodes).toHaveLength(0);
    expect(quiet.querySelector('[data-sse-state]')).toBeNull();
    expect(JSON.parse(holder?.getAttribute('data-sse-monitor') ?? '{}')).toMatchObject({
      statusId: null,
      autoReconnect: false,
    });
    expect(() => <ConnectionMonitor connectionId="feed" config={{ autoReconnect: 'no' as never }} />).toThrow(
      'ConnectionMonitor: option "autoReconnect" must be a boolean, got "no"',
    );
  });

  it('renders job elements from id templates and with initial content', () => {
    expect(jobProgressId('j1', 'progress-span-{jobId}')).toBe('progress-span-j1');
    expect(jobStatusId('j1', 'status-{jobId}-line')).toBe('status-j1-line');
    const progress = parseMarkup(
      <JobProgress jobId="j1" value={0} idTemplate="progress-span-{jobId}">
        <span class="queued">Queued</span>
      </JobProgress>,
    );
    expect(progress.querySelector('#progress-span-j1 .queued')?.text).toBe('Queued');
    expect(progress.querySelector('.job-progress-bar')).toBeNull();
    const status = parseMarkup(
      <JobStatus jobId="j1" status="queued" idTemplate="status-span-{jobId}">
        <em>Waiting for a worker</em>
      </JobStatus>,
    );
    expect(status.querySelector('#status-span-j1 em')?.text).toBe('Waiting for a worker');
    expect(() => jobProgressId('j1', 'no-placeholder')).toThrow(
      'idTemplate must contain {jobId}, got "no-placeholder"',
    );
  });

  it('renders the counter as an htmx poll of the stats count, per channel or in total', () => {
    const one = parseMarkup(<ConnectionCounter channel="board" intervalMs={2000} />).querySelector('span');
    expect(one?.getAttribute('hx-get')).toBe('/sse/_stats/count?channel=board');
    expect(one?.getAttribute('hx-trigger')).toBe('load, every 2000ms');
    const bound = createSseComponents({ prefix: '/events' });
    const total = parseMarkup(bound.ConnectionCounter()).querySelector('span');
    expect(total?.getAttribute('hx-get')).toBe('/events/_stats/count');
    expect(() => <ConnectionCounter intervalMs={10} />).toThrow(
      'ConnectionCounter: option "intervalMs" must be an integer >= 250, got 10',
    );
  });
});
