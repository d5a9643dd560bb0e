import { JobProgress, JobStatus, jobChannel, jobProgressId, jobStatusId } from '../../components/JobElements';
import { parseMarkup } from './parsedMarkup';

const HOSTILE: string = '"><script>alert(1)</script>';

describe('job element ids', () => {
  it('derives ids and the channel from the job id', () => {
    expect([jobProgressId('42'), jobStatusId('42'), jobChannel('42')]).toEqual([
      'job-progress-42',
      'job-status-42',
      'job-42',
    ]);
  });

  it('refuses job ids that would break an id, a selector or a channel name', () => {
    for (const bad of [HOSTILE, '', 'a b', 'a:b', 'x'.repeat(101)]) {
      expect(() => jobProgressId(bad)).toThrow(TypeError);
      expect(() => jobChannel(bad)).toThrow(TypeError);
    }
  });
});

describe('<JobProgress>', () => {
  it('is an accessible progress bar with its id, aria values and a width', () => {
    const bar = parseMarkup(<JobProgress jobId="7" value={30} max={120} />).querySelector('#job-progress-7');
    expect(bar?.getAttribute('role')).toBe('progressbar');
    expect(
      ['aria-valuemin', 'aria-valuemax', 'aria-valuenow', 'aria-valuetext', 'aria-label'].map((name) =>
        bar?.getAttribute(name),
      ),
    ).toEqual(['0', '120', '30', '25%', 'Job 7 progress']);
    expect(bar?.querySelector('.job-progress-bar')?.getAttribute('style')).toBe('width: 25%');
    expect(bar?.querySelector('.job-progress-text')?.text).toBe('25%');
    expect(bar?.getAttribute('hx-swap-oob')).toBeUndefined();
  });

  it('clamps out-of-range values, marks itself for OOB on request, and escapes a hostile label', () => {
    const root = parseMarkup(
      <>
        <JobProgress jobId="a" value={-5} />
        <JobProgress jobId="b" value={500} oob label={HOSTILE} />
      </>,
    );
    expect(root.querySelector('#job-progress-a')?.getAttribute('aria-valuenow')).toBe('0');
    const b = root.querySelector('#job-progress-b');
    expect([b?.getAttribute('aria-valuenow'), b?.getAttribute('hx-swap-oob'), b?.getAttribute('aria-label')]).toEqual([
      '100',
      'outerHTML',
      HOSTILE,
    ]);
    expect(root.querySelectorAll('script')).toHaveLength(0);
  });

  it('refuses a bad value, max or job id', () => {
    expect(() => <JobProgress jobId="a" value={Number.NaN} />).toThrow('value must be a finite number');
    expect(() => <JobProgress jobId="a" value={1} max={0} />).toThrow('max must be a positive number');
    expect(() => <JobProgress jobId={HOSTILE} value={1} />).toThrow(TypeError);
  });
});

describe('<JobStatus>', () => {
  it('is a polite live region with data-status, a status class and the message as escaped text', () => {
    const status = parseMarkup(<JobStatus jobId="7" status="failed" message={HOSTILE} oob />).querySelector(
      '#job-status-7',
    );
    expect(
      ['role', 'aria-live', 'data-status', 'class', 'hx-swap-oob'].map((name) => status?.getAttribute(name)),
    ).toEqual(['status', 'polite', 'failed', 'job-status job-status-failed', 'outerHTML']);
    expect(status?.querySelector('.job-status-text')?.text).toBe(HOSTILE);
    expect(status?.querySelectorAll('script')).toHaveLength(0);
  });

  it('shows the status when there is no message, and keeps a hostile status inside its attributes', () => {
    const root = parseMarkup(<JobStatus jobId="7" status={HOSTILE} />);
    const status = root.querySelector('#job-status-7');
    expect(status?.getAttribute('data-status')).toBe(HOSTILE);
    expect(status?.querySelector('.job-status-text')?.text).toBe(HOSTILE);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(() => <JobStatus jobId="7" status="" />).toThrow(TypeError);
  });
});
