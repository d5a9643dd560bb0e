import type { Dialect } from '../dashboardFeed';
import { LiveStream } from '../page/LiveStream';
import { JOB_DURATION_RANGE, JOB_NAME_LIMIT, type Job, type JobStatus } from './jobRunner';

/** Id of the list the job rows live in. */
export const JOB_LIST_ID = 'job-list';

/** The channel a job's progress is published on. */
export function jobChannel(jobId: string): string {
  return `job-${jobId}`;
}

/** Ids of the parts of a job row that its stream updates. */
export function jobPartIds(jobId: string): { row: string; status: string; progress: string; actions: string } {
  return { row: `job-${jobId}`, status: `job-${jobId}-status`, progress: `job-${jobId}-progress`, actions: `job-${jobId}-actions` };
}

// Each state has its own glyph and word, so it reads without colour.
const STATUS_LOOK: Record<JobStatus, { glyph: string; word: string }> = {
  running: { glyph: '▶', word: 'Running' },
  completed: { glyph: '✓', word: 'Done' },
  cancelled: { glyph: '■', word: 'Cancelled' },
};

interface PartProps {
  job: Job;
  oob?: boolean;
}

/** The job's status badge. */
export function JobStatusBadge({ job, oob = false }: PartProps): JSX.Element {
  const look = STATUS_LOOK[job.status];
  return (
    <span id={jobPartIds(job.id).status} class={`badge badge-${job.status}`} data-status={job.status} hx-swap-oob={oob ? 'true' : undefined}>
      <span aria-hidden="true">{look.glyph}</span> {look.word}
    </span>
  );
}

/** The job's progress bar with its percentage in words. */
export function JobProgress({ job, oob = false }: PartProps): JSX.Element {
  return (
    <div
      id={jobPartIds(job.id).progress}
      class={`progress progress-${job.status}`}
      role="progressbar"
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow={String(job.progress)}
      data-progress={String(job.progress)}
      hx-swap-oob={oob ? 'true' : undefined}
    >
      <div class="progress-fill" style={`width:${job.progress}%`} />
      <span class="progress-label">{`${job.progress} %`}</span>
    </div>
  );
}

/** The cancel button while the job runs; how long it took once it has ended. */
export function JobActions({ job, oob = false }: PartProps): JSX.Element {
  const took = job.endedAt === undefined ? undefined : ((job.endedAt - job.startedAt) / 1000).toFixed(1);
  return (
    <span id={jobPartIds(job.id).actions} class="job-actions" hx-swap-oob={oob ? 'true' : undefined}>
      {job.status === 'running' ? (
        <button type="button" class="button quiet small" hx-post={`/jobs/${job.id}/cancel`} hx-swap="none">
          Cancel
        </button>
      ) : (
        <span class="muted">{`ended after ${took} s`}</span>
      )}
    </span>
  );
}

/** Props of {@link JobRow}. */
export interface JobRowProps {
  job: Job;
  dialect: Dialect;
}

/**
 * One job: name, status, progress and actions. A running job also carries its own stream,
 * which the server closes for good when the job ends.
 */
export function JobRow({ job, dialect }: JobRowProps): JSX.Element {
  return (
    <li id={jobPartIds(job.id).row} class="job" data-job={job.id}>
      <div class="job-head">
        <span class="job-name" safe>
          {job.name}
        </span>
        <JobStatusBadge job={job} />
      </div>
      <JobProgress job={job} />
      <div class="job-foot">
        <span class="muted">{`${(job.durationMs / 1000).toFixed(1)} s job`}</span>
        <span class="job-foot-right">
          {job.status === 'running' ? <LiveStream dialect={dialect} channel={jobChannel(job.id)} id={`job-${job.id}`} closeOnServerClose size="xs" /> : ''}
          <JobActions job={job} />
        </span>
      </div>
    </li>
  );
}

/** Props of {@link JobList}. */
export interface JobListProps {
  jobs: readonly Job[];
  dialect: Dialect;
  /** Adds `hx-swap-oob` so the element replaces its twin on the page. */
  oob?: boolean;
}

/** Every kept job, newest first. */
export function JobList({ jobs, dialect, oob = false }: JobListProps): JSX.Element {
  return (
    <ul id={JOB_LIST_ID} class="jobs" hx-swap-oob={oob ? 'true' : undefined}>
      {jobs.length === 0 ? <li class="empty">No jobs yet. Start one above.</li> : jobs.map((job) => <JobRow job={job} dialect={dialect} />)}
    </ul>
  );
}

/** The form that starts a job; the server answers a fresh copy of it. */
export function JobForm(): JSX.Element {
  return (
    <form class="job-form" hx-post="/jobs" hx-swap="outerHTML">
      <label>
        <span>Name</span>
        <input name="name" type="text" required maxlength={String(JOB_NAME_LIMIT)} value="Resize images" autocomplete="off" />
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
