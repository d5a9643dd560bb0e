import { JobProgress, JobStatus, jobChannel } from '../../index';
import { LiveStream } from '../page/LiveStream';
import type { PageContext } from '../page/pageContext';
import { JOB_DURATION_RANGE, JOB_NAME_LIMIT, type Job, type JobStatus as JobState } from './jobRunner';

/** Id of the list the job rows live in. */
export const JOB_LIST_ID = 'job-list';

/** Id of a job's row. */
export function jobRowId(jobId: string): string {
  return `job-row-${jobId}`;
}

/** Id of the part of a job's row with its actions. */
export function jobActionsId(jobId: string): string {
  return `job-actions-${jobId}`;
}

const JOB_STREAM_LABELS = { connecting: 'Stream opening…', connected: 'Streaming', closed: 'Stream closed' };

// Each state has its own glyph and word, so it reads without colour.
const STATUS_TEXT: Record<JobState, string> = {
  running: '▶ Running',
  completed: '✓ Done',
  cancelled: '■ Cancelled',
};

/** The job's status badge: glyph and word. */
export function JobStatusBadge({ job }: { job: Job }): JSX.Element {
  return <JobStatus jobId={job.id} status={job.status} message={STATUS_TEXT[job.status]} />;
}

/** The job's progress bar. */
export function JobProgressBar({ job }: { job: Job }): JSX.Element {
  return <JobProgress jobId={job.id} value={job.progress} label={`${job.name} progress`} />;
}

/** The cancel button while the job runs; how long it took once it has ended. */
export function JobActions({ job }: { job: Job }): JSX.Element {
  const took = job.endedAt === undefined ? undefined : ((job.endedAt - job.startedAt) / 1000).toFixed(1);
  return (
    <span id={jobActionsId(job.id)} class="job-actions">
      {job.status === 'running' ? (
        <button type="button" class="button quiet small" hx-post={`/jobs/${job.id}/cancel`} hx-swap="none">
          Cancel
        </button>
      ) : (
        <span class="muted" safe>{`ended after ${took} s`}</span>
      )}
    </span>
  );
}

/** Props of {@link JobRow}. */
export interface JobRowProps {
  job: Job;
  context: PageContext;
}

/**
 * One job: name, status, progress and actions. A running job also carries its own stream and
 * its indicator, which shows "closed" once the server has ended the stream with the job.
 */
export function JobRow({ job, context }: JobRowProps): JSX.Element {
  return (
    <li id={jobRowId(job.id)} class="job" data-job={job.id}>
      <div class="job-head">
        <span class="job-name" safe>
          {job.name}
        </span>
        <JobStatusBadge job={job} />
      </div>
      <JobProgressBar job={job} />
      <div class="job-foot">
        <span class="muted" safe>{`${(job.durationMs / 1000).toFixed(1)} s job`}</span>
        <span class="job-foot-right">
          {job.status === 'running' ? (
            <LiveStream
              context={context}
              channel={jobChannel(job.id)}
              connectionId={jobChannel(job.id)}
              size="xs"
              labels={JOB_STREAM_LABELS}
            />
          ) : (
            ''
          )}
          <JobActions job={job} />
        </span>
      </div>
    </li>
  );
}

/** Props of {@link JobList}. */
export interface JobListProps {
  jobs: readonly Job[];
  context: PageContext;
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/** Every kept job, newest first. */
export function JobList({ jobs, context, oob = false }: JobListProps): JSX.Element {
  return (
    <ul id={JOB_LIST_ID} class="jobs" hx-swap-oob={oob ? 'true' : undefined}>
      <li class="empty">No jobs yet. Start one above.</li>
      {jobs.map((job) => (
        <JobRow job={job} context={context} />
      ))}
    </ul>
  );
}

/** The form that starts a job; the server answers a fresh copy of it. */
export function JobForm(): JSX.Element {
  return (
    <form class="job-form" hx-post="/jobs" hx-swap="outerHTML">
      <label>
        <span>Name</span>
        <input
          name="name"
          type="text"
          required
          maxlength={String(JOB_NAME_LIMIT)}
          value="Resize images"
          autocomplete="off"
        />
      </label>
      <label>
        <span>Duration (s)</span>
        <input
          name="duration"
          type="number"
          required
          min={String(JOB_DURATION_RANGE.min / 1000)}
          max={String(JOB_DURATION_RANGE.max / 1000)}
          step="0.1"
          value="8"
        />
      </label>
      <button type="submit" class="button primary">
        Start job
      </button>
    </form>
  );
}
