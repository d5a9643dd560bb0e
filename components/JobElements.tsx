/**
 * Per-job progress and status elements (the reference library's `sse_progress_element` and
 * `sse_status_element`). They render the initial state in the page and, with `oob`, the update
 * sent over SSE: the same component, so the page and its updates never drift apart. Place them
 * inside an element connected to the job's channel ({@link jobChannel}).
 */
import { describeValue } from '../lib/validation/describeValue';

const JOB_ID = /^[A-Za-z0-9_-]{1,100}$/;

function assertJobId(jobId: unknown): asserts jobId is string {
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId))
    throw new TypeError(`job id must be 1-100 of A-Z a-z 0-9 _ -, got ${describeValue(jobId)}`);
}

/** Id of a job's progress element: `job-progress-{jobId}`. @throws TypeError on a bad job id. */
export function jobProgressId(jobId: string): string {
  assertJobId(jobId);
  return `job-progress-${jobId}`;
}

/** Id of a job's status element: `job-status-{jobId}`. @throws TypeError on a bad job id. */
export function jobStatusId(jobId: string): string {
  assertJobId(jobId);
  return `job-status-${jobId}`;
}

/** The channel a job's updates are published on: `job-{jobId}`. @throws TypeError on a bad job id. */
export function jobChannel(jobId: string): string {
  assertJobId(jobId);
  return `job-${jobId}`;
}

/** Props of {@link JobProgress}. */
export interface JobProgressProps {
  /** The job (1-100 of `A-Z a-z 0-9 _ -`). */
  jobId: string;
  /** Work done, from 0 to `max` (clamped). */
  value: number;
  /** Work in total. Default 100. */
  max?: number;
  /** Accessible name. Default `Job {jobId} progress`. */
  label?: string;
  /** Render as an out-of-band update (`hx-swap-oob="outerHTML"`). Default false. */
  oob?: boolean;
}

/**
 * An accessible progress bar (`role="progressbar"` with `aria-valuemin/max/now/text`) with the
 * id {@link jobProgressId}. Style `.job-progress-bar`, whose width is the percentage.
 * @throws TypeError on a bad job id, a non-finite value or a max that is not positive.
 */
export function JobProgress({ jobId, value, max = 100, label, oob = false }: JobProgressProps): JSX.Element {
  if (!Number.isFinite(value))
    throw new TypeError(`JobProgress value must be a finite number, got ${describeValue(value)}`);
  if (!Number.isFinite(max) || max <= 0)
    throw new TypeError(`JobProgress max must be a positive number, got ${describeValue(max)}`);
  const now = Math.min(Math.max(value, 0), max);
  const percent = Math.round((now / max) * 100);
  return (
    <div
      id={jobProgressId(jobId)}
      class="job-progress"
      role="progressbar"
      aria-valuemin="0"
      aria-valuemax={String(max)}
      aria-valuenow={String(now)}
      aria-valuetext={`${percent}%`}
      aria-label={label ?? `Job ${jobId} progress`}
      hx-swap-oob={oob ? 'outerHTML' : undefined}
    >
      <div class="job-progress-bar" style={`width: ${percent}%`} />
      <span class="job-progress-text">{percent}%</span>
    </div>
  );
}

/** Props of {@link JobStatus}. */
export interface JobStatusProps {
  /** The job (1-100 of `A-Z a-z 0-9 _ -`). */
  jobId: string;
  /** Machine-readable state (`queued`, `running`, `completed`, `failed`, …): `data-status` and a class. */
  status: string;
  /** Text shown (escaped). Default: the status. */
  message?: string;
  /** Render as an out-of-band update (`hx-swap-oob="outerHTML"`). Default false. */
  oob?: boolean;
}

/**
 * A job's status line: a polite live region (`role="status"`) with the id {@link jobStatusId},
 * `data-status` and the class `job-status-{status}` for styling.
 * @throws TypeError on a bad job id or a status that is not a non-empty string.
 */
export function JobStatus({ jobId, status, message, oob = false }: JobStatusProps): JSX.Element {
  if (typeof status !== 'string' || status === '')
    throw new TypeError(`JobStatus status must be a non-empty string, got ${describeValue(status)}`);
  return (
    <div
      id={jobStatusId(jobId)}
      class={['job-status', `job-status-${status}`]}
      role="status"
      aria-live="polite"
      data-status={status}
      hx-swap-oob={oob ? 'outerHTML' : undefined}
    >
      <span class="job-status-text" safe>
        {message ?? status}
      </span>
    </div>
  );
}
