import { parse } from 'node-html-parser';
import { JobProgress, JobStatus } from '../../../components/JobElements';
import { ElementUpdater } from '../../../lib/pipeline/elementUpdater';

const HOSTILE: string = '"><script>alert(1)</script>';

interface JobData {
  jobId: string;
  percent: number;
  message?: string;
}

/** [tag, id, hx-swap-oob] of every OOB element of a payload, parsed by a real HTML parser. */
function oobTargets(html: string): [string, string | undefined, string | undefined][] {
  return parse(html)
    .querySelectorAll('[hx-swap-oob]')
    .map((element) => [element.tagName.toLowerCase(), element.getAttribute('id'), element.getAttribute('hx-swap-oob')]);
}

describe('ElementUpdater', () => {
  it('renders a handler’s JSX with hx-swap-oob on each fragment, as one string', async () => {
    const updater = new ElementUpdater<JobData>();
    updater.on('job:progress', (data) => [
      <JobProgress jobId={data.jobId} value={data.percent} />,
      <JobStatus jobId={data.jobId} status="running" />,
    ]);
    const html = await updater.render('job:progress', { jobId: 'j1', percent: 30 });
    expect(typeof html).toBe('string');
    expect(oobTargets(html)).toEqual([
      ['div', 'job-progress-j1', 'outerHTML'],
      ['div', 'job-status-j1', 'outerHTML'],
    ]);
    expect(parse(html).querySelector('#job-progress-j1')?.getAttribute('aria-valuenow')).toBe('30');
  });

  it('accepts sync and async handlers, async JSX, targets and swap styles per fragment', async () => {
    const updater = new ElementUpdater<JobData>();
    const AsyncLine = async ({ text }: { text: string }): Promise<string> => <li safe>{text}</li>;
    updater.on('job:log', async (data) => ({
      html: <AsyncLine text={data.message ?? ''} />,
      target: 'job-log',
      swap: 'beforeend',
    }));
    updater.on('job:log', (data) => ({ html: <b>{data.percent}</b>, target: 'job-count' }));
    const html = await updater.render('job:log', { jobId: 'j1', percent: 2, message: 'second line' });
    expect(oobTargets(html)).toEqual([
      ['div', undefined, 'beforeend:#job-log'],
      ['div', undefined, 'innerHTML:#job-count'],
    ]);
    expect(parse(html).querySelector('[hx-swap-oob="beforeend:#job-log"] li')?.text).toBe('second line');
  });

  it('runs a type’s handlers by priority, stable among equals', async () => {
    const updater = new ElementUpdater<null>();
    updater.on('x', () => <i id="low" />, { priority: -5 });
    updater.on('x', () => <i id="first" />);
    updater.on('x', () => <i id="high" />, { priority: 5 });
    updater.on('x', () => <i id="second" />);
    expect(oobTargets(await updater.render('x', null)).map(([, id]) => id)).toEqual(['high', 'first', 'second', 'low']);
  });

  it('escapes hostile text from event data (the components use safe text and attributes)', async () => {
    const updater = new ElementUpdater<JobData>();
    updater.on('job:failed', (data) => <JobStatus jobId={data.jobId} status="failed" message={data.message} />);
    const html = await updater.render('job:failed', { jobId: 'j9', percent: 0, message: HOSTILE });
    const root = parse(html);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(root.querySelector('#job-status-j9 .job-status-text')?.text).toBe(HOSTILE);
    expect(oobTargets(html)).toEqual([['div', 'job-status-j9', 'outerHTML']]);
  });

  it('uses the default handler for types without handlers, and renders nothing without one', async () => {
    const updater = new ElementUpdater<{ text: string }>();
    await expect(updater.render('unknown:type', { text: 'x' })).resolves.toBe('');
    updater.setDefault((data, type) => ({ html: <span safe>{`${type}: ${data.text}`}</span>, target: 'fallback' }));
    const html = await updater.render('unknown:type', { text: 'x' });
    expect(parse(html).querySelector('[hx-swap-oob="innerHTML:#fallback"]')?.text).toBe('unknown:type: x');
    updater.on('known', () => null);
    await expect(updater.render('known', { text: 'x' })).resolves.toBe('');
    updater.setDefault(undefined);
    await expect(updater.render('unknown:type', { text: 'x' })).resolves.toBe('');
  });

  it('passes data through pre-processors in order and the fragment list through post-processors', async () => {
    const updater = new ElementUpdater<JobData>();
    updater.on('job:progress', (data) => <JobProgress jobId={data.jobId} value={data.percent} />);
    updater.preprocess((data) => ({ ...data, percent: data.percent * 100 }));
    updater.preprocess(async (data, type) => ({ ...data, jobId: `${data.jobId}-${type.split(':')[0]}` }));
    const seen: string[] = [];
    updater.postprocess((fragments, type) => {
      seen.push(...fragments.map((fragment) => `${type} ${typeof fragment.html}`));
      return [...fragments, { html: 'updated', target: 'last-update' }];
    });
    const dropFirst = updater.postprocess(async (fragments) => fragments.slice(1));
    const html = await updater.render('job:progress', { jobId: 'a', percent: 0.5 });
    expect(seen).toEqual(['job:progress string']);
    expect(oobTargets(html)).toEqual([['div', undefined, 'innerHTML:#last-update']]);
    dropFirst();
    const both = await updater.render('job:progress', { jobId: 'a', percent: 0.5 });
    expect(oobTargets(both).map(([, id, swap]) => id ?? swap)).toEqual([
      'job-progress-a-job',
      'innerHTML:#last-update',
    ]);
    expect(parse(both).querySelector('#job-progress-a-job')?.getAttribute('aria-valuenow')).toBe('50');
  });

  it('lists, removes and clears handlers', async () => {
    const updater = new ElementUpdater<null>();
    const off = updater.on('a', () => <i id="a1" />);
    updater.on('b', () => <i id="b1" />);
    expect(updater.types()).toEqual(['a', 'b']);
    off();
    expect(updater.types()).toEqual(['b']);
    updater.clear('b');
    updater.on('c', () => <i id="c1" />);
    updater.clear();
    expect(updater.types()).toEqual([]);
  });

  it('refuses bad registrations and fragments with TypeErrors naming them', async () => {
    const updater = new ElementUpdater<null>();
    expect(() => updater.on('job:*', () => null)).toThrow('"job:*"');
    expect(() => updater.on('x', 'nope' as never)).toThrow('update handler must be a function');
    expect(() => updater.on('x', () => null, { priority: Number.POSITIVE_INFINITY })).toThrow('finite number');
    expect(() => updater.preprocess(42 as never)).toThrow(TypeError);
    updater.on('no-id', () => <p>no id</p>);
    await expect(updater.render('no-id', null)).rejects.toThrow('has no id');
    updater.on('odd', () => ({ markup: 'x' }) as never);
    await expect(updater.render('odd', null)).rejects.toThrow('must return markup or { html');
    updater.on('bad-target', () => ({ html: 'x', target: HOSTILE }));
    await expect(updater.render('bad-target', null)).rejects.toThrow(JSON.stringify(HOSTILE));
    await expect(updater.render('not a type', null)).rejects.toThrow(TypeError);
  });
});
