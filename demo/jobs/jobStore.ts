import type { Job, JobEvent } from './jobRunner';

/**
 * The jobs as the app uses them: the process's own {@link JobRunner} (in memory), or
 * {@link RedisJobStore} (jobs listed, capped and cancelled across every process on one Redis,
 * each run by the process that started it). `job` reports the changes to publish, in the process
 * that made them.
 */
export interface JobStore {
  /** Starts a job; a `TypeError` for a bad name or duration, a `RangeError` when the running cap is reached. */
  start(name: string, durationMs: number): Job | Promise<Job>;
  /** Cancels a running job; the job (as it is now), or `undefined` when there is no such job. */
  cancel(id: string): Job | undefined | Promise<Job | undefined>;
  /** One job by id. */
  get(id: string): Job | undefined | Promise<Job | undefined>;
  /** Every kept job, newest first. */
  list(): readonly Job[] | Promise<readonly Job[]>;
  on(event: 'job', listener: (event: JobEvent) => void): this;
  off(event: 'job', listener: (event: JobEvent) => void): this;
}
