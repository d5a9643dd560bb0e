/**
 * Per-job progress and status elements: a progress bar with its percentage and a status label.
 * They render the initial state in the page and, with `oob`, the update sent over SSE: the same
 * component, so the page and its updates never drift apart. Place them inside an element
 * connected to the job's channel ({@link jobChannel}), or give them `connect` and they open that
 * stream themselves.
 */
import type { PropsWithChildren } from '@kitajs/html';
import { describeValue } from '../lib/validation/describeValue';
import { OptionReader } from '../lib/validation/optionReader';
import type { Dialect } from './dialect';
import { fillIdTemplate } from './elementId';
import { SseElement } from './SseElement';

const JOB_ID = /^[A-Za-z0-9_-]{1,100}$/;

function assertJobId(jobId: unknown): asserts jobId is string {
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId))
    throw new TypeError(`job id must be 1-100 of A-Z a-z 0-9 _ -, got ${describeValue(jobId)}`);
}

/**
 * Id of a job's progress element: `job-progress-{jobId}`, or `idTemplate` with `{jobId}` filled in.
 * @throws TypeError on a bad job id or template.
 */
export function jobProgressId(jobId: string, idTemplate = 'job-progress-{jobId}'): string {
  assertJobId(jobId);
  return fillIdTemplate(idTemplate, jobId);
}

/**
 * Id of a job's status element: `job-status-{jobId}`, or `idTemplate` with `{jobId}` filled in.
 * @throws TypeError on a bad job id or template.
 */
export function jobStatusId(jobId: string, idTemplate = 'job-status-{jobId}'): string {
  assertJobId(jobId);
  return fillIdTemplate(idTemplate, jobId);
}

/** The channel a job's updates are published on: `job-{jobId}`. @throws TypeError on a bad job id. */
export function jobChannel(jobId: string): string {
  assertJobId(jobId);
  return `job-${jobId}`;
}

/** Props of a job element that may open its job's stream itself ({@link JobProgress}, {@link JobStatus}). */
export interface JobConnectProps {
  /**
   * Open the job's stream ({@link jobChannel}) from the element itself: it is rendered inside an
   * `<SseElement>` of that channel (class `job-stream`, swap `none`) that the `oob` updates
   * published there reach, with no wrapper of the app. Default false.
   */
  connect?: boolean;
  /** With `connect`: the connection's id (`data-sse-connection`). Default the element's id. */
  connectionId?: string;
  /** With `connect`: the dialect to render for. Default `htmx2`. */
  dialect?: Dialect;
  /** With `connect`: mount path of the middleware. Default `/sse`. */
  prefix?: string;
  /** With `connect`: the cursor at render time (`broadcaster.cursor()`), so no update published since is missed. */
  lastEventId?: string;
}

/**
 * `element` as is, or with `connect` inside an `<SseElement>` of the job's channel whose updates,
 * out-of-band, replace it: the wrapper keeps the stream while the element is swapped.
 * @throws TypeError when `connect` is not a boolean or comes with `oob` (an update opens no stream).
 */
function withJobStream(
  owner: string,
  props: JobConnectProps & { jobId: string; oob?: boolean },
  elementId: string,
  element: JSX.Element,
): JSX.Element {
  const read = new OptionReader<JobConnectProps & { oob?: boolean }>(owner, props);
  if (!read.boolean('connect', false)) return element;
  if (read.boolean('oob', false)) throw read.error('connect', 'left out of an oob update', props.connect);
  return SseElement({
    connectionId: props.connectionId ?? elementId,
    channel: jobChannel(props.jobId),
    dialect: props.dialect,
    prefix: props.prefix,
    lastEventId: props.lastEventId,
    swap: 'none',
    class: 'job-stream',
    children: element,
  });
}

/** Props of {@link JobProgress}. */
export interface JobProgressProps extends JobConnectProps {
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
  /** The element's id as a template, e.g. `progress-span-{jobId}`. Default `job-progress-{jobId}`. */
  idTemplate?: string;
}

/**
 * An accessible progress bar (`role="progressbar"` with `aria-valuemin/max/now/text`) with the
 * id {@link jobProgressId}. Style `.job-progress-bar`, whose width is the percentage. Children, if
 * any, replace the bar and text as the initial content (trusted markup: escape user text with `safe`).
 * With `connect`, it opens the job's stream itself (see {@link JobConnectProps}).
 * @throws TypeError on a bad job id, a non-finite value, a max that is not positive, or a bad
 * `connect` prop (see {@link JobConnectProps}).
 */
export function JobProgress(props: PropsWithChildren<JobProgressProps>): JSX.Element {
  const { jobId, value, max = 100, label, oob = false, idTemplate, children } = props;
  if (!Number.isFinite(value))
    throw new TypeError(`JobProgress value must be a finite number, got ${describeValue(value)}`);
  if (!Number.isFinite(max) || max <= 0)
    throw new TypeError(`JobProgress max must be a positive number, got ${describeValue(max)}`);
  const now = Math.min(Math.max(value, 0), max);
  const percent = Math.round((now / max) * 100);
  const id = jobProgressId(jobId, idTemplate);
  return withJobStream(
    'JobProgress',
    props,
    id,
    <div
      id={id}
      class="job-progress"
      role="progressbar"
      aria-valuemin="0"
      aria-valuemax={String(max)}
      aria-valuenow={String(now)}
      aria-valuetext={`${percent}%`}
      aria-label={label ?? `Job ${jobId} progress`}
      hx-swap-oob={oob ? 'outerHTML' : undefined}
    >
      {children ?? (
        <>
          <div class="job-progress-bar" style={`width: ${percent}%`} />
          <span class="job-progress-text">{percent}%</span>
        </>
      )}
    </div>,
  );
}

/** Props of {@link JobStatus}. */
export interface JobStatusProps extends JobConnectProps {
  /** The job (1-100 of `A-Z a-z 0-9 _ -`). */
  jobId: string;
  /** Machine-readable state (`queued`, `running`, `completed`, `failed`, …): `data-status` and a class. */
  status: string;
  /** Text shown (escaped). Default: the status. */
  message?: string;
  /** Render as an out-of-band update (`hx-swap-oob="outerHTML"`). Default false. */
  oob?: boolean;
  /** The element's id as a template, e.g. `status-span-{jobId}`. Default `job-status-{jobId}`. */
  idTemplate?: string;
}

/**
 * A job's status line: a polite live region (`role="status"`) with the id {@link jobStatusId},
 * `data-status` and the class `job-status-{status}` for styling. Children, if any, replace the text
 * as the initial content (trusted markup: escape user text with `safe`). With `connect`, it opens
 * the job's stream itself (see {@link JobConnectProps}).
 * @throws TypeError on a bad job id, a status that is not a non-empty string, or a bad `connect`
 * prop (see {@link JobConnectProps}).
 */
export function JobStatus(props: PropsWithChildren<JobStatusProps>): JSX.Element {
  const { jobId, status, message, oob = false, idTemplate, children } = props;
  if (typeof status !== 'string' || status === '')
    throw new TypeError(`JobStatus status must be a non-empty string, got ${describeValue(status)}`);
  const id = jobStatusId(jobId, idTemplate);
  return withJobStream(
    'JobStatus',
    props,
    id,
    <div
      id={id}
      class={['job-status', `job-status-${status}`]}
      role="status"
      aria-live="polite"
      data-status={status}
      hx-swap-oob={oob ? 'outerHTML' : undefined}
    >
      {children ?? (
        <span class="job-status-text" safe>
          {message ?? status}
        </span>
      )}
    </div>,
  );
}
