import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JobStore } from './jobStore';

/** Where a job is in its life. */
export type JobStatus = 'running' | 'completed' | 'cancelled';

/** A simulated job, as shown on the page. */
export interface Job {
  id: string;
  name: string;
  durationMs: number;
  /** Whole percent, 0-100. */
  progress: number;
  status: JobStatus;
  startedAt: number;
  endedAt?: number;
}

/** The event types a job goes through, in the `job:*` namespace. */
export type JobEventType = 'job:started' | 'job:progress' | 'job:completed' | 'job:cancelled';

/** One change of a job. */
export interface JobEvent {
  type: JobEventType;
  job: Job;
}

/** Options of {@link JobRunner}. */
export interface JobRunnerOptions {
  /** How often running jobs advance, in ms. Default 200. */
  tickMs?: number;
  /** Jobs kept in the list (finished ones beyond it are forgotten). Default 20. */
  keep?: number;
  /** Jobs running at once, at most; starting another throws a `RangeError`. Default 10. */
  maxRunning?: number;
}

/** Jobs running at once and jobs kept, by default. */
export const JOB_LIMITS = { maxRunning: 10, keep: 20 } as const;

/** Job names: 1-60 characters. */
export const JOB_NAME_LIMIT = 60;
/** Job durations accepted, in ms. */
export const JOB_DURATION_RANGE = { min: 100, max: 600_000 } as const;

/** A new running job. Throws a `TypeError` for a bad name (1-60 characters) or duration. */
export function createJob(name: string, durationMs: number): Job {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '' || trimmed.length > JOB_NAME_LIMIT)
    throw new TypeError(`a job name needs 1-${JOB_NAME_LIMIT} characters, got ${JSON.stringify(name)}`);
  if (!Number.isFinite(durationMs) || durationMs < JOB_DURATION_RANGE.min || durationMs > JOB_DURATION_RANGE.max) {
    throw new TypeError(
      `a job duration must be ${JOB_DURATION_RANGE.min}-${JOB_DURATION_RANGE.max} ms, got ${durationMs}`,
    );
  }
  return {
    id: randomUUID().slice(0, 8),
    name: trimmed,
    durationMs: Math.round(durationMs),
    progress: 0,
    status: 'running',
    startedAt: Date.now(),
  };
}

/** The error of a start refused because `maxRunning` jobs already run (a limit, not bad input). */
export function tooManyRunning(maxRunning: number): RangeError {
  return new RangeError(`at most ${maxRunning} jobs run at once: wait for one to end, or cancel one`);
}

/**
 * Runs simulated jobs: each advances with the clock until its duration has passed, and reports
 * every change as a {@link JobEvent}. One unref'd timer per running job.
 */
export class JobRunner extends EventEmitter<{ job: [event: JobEvent] }> implements JobStore {
  readonly #jobs = new Map<string, Job>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #tickMs: number;
  readonly #keep: number;
  readonly #maxRunning: number;

  /** @param options - tick and list length. */
  constructor(options: JobRunnerOptions = {}) {
    super();
    this.#tickMs = options.tickMs ?? 200;
    this.#keep = options.keep ?? JOB_LIMITS.keep;
    this.#maxRunning = options.maxRunning ?? JOB_LIMITS.maxRunning;
    if (!Number.isSafeInteger(this.#tickMs) || this.#tickMs < 1)
      throw new TypeError(`tickMs must be a positive integer, got ${options.tickMs}`);
  }

  /**
   * Starts a job. Throws a `TypeError` for a bad name or duration, and a `RangeError` when
   * `maxRunning` jobs already run.
   */
  start(name: string, durationMs: number): Job {
    return this.run(createJob(name, durationMs));
  }

  /**
   * Runs a job made by {@link createJob} (a store that admits jobs itself starts them here).
   * Throws a `RangeError` when `maxRunning` jobs already run in this runner.
   */
  run(job: Job): Job {
    if (this.#timers.size >= this.#maxRunning) throw tooManyRunning(this.#maxRunning);
    this.#jobs.set(job.id, job);
    this.#forgetOldest();
    const timer = setInterval(() => this.#advance(job), this.#tickMs);
    timer.unref();
    this.#timers.set(job.id, timer);
    this.#report('job:started', job);
    return job;
  }

  /** Cancels a running job. Returns the job, or `undefined` when there is no such job. */
  cancel(id: string): Job | undefined {
    const job = this.#jobs.get(id);
    if (job?.status === 'running') this.#finish(job, 'cancelled');
    return job;
  }

  /** One job by id. */
  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** Every kept job, newest first. */
  list(): Job[] {
    return [...this.#jobs.values()].reverse();
  }

  /**
   * Stops running job `id` and forgets it, without a report: its end was decided elsewhere (a
   * shared store where another process cancelled it).
   */
  halt(id: string): void {
    clearInterval(this.#timers.get(id));
    this.#timers.delete(id);
    this.#jobs.delete(id);
  }

  /** Stops every timer (jobs stay as they are). */
  stop(): void {
    for (const timer of this.#timers.values()) clearInterval(timer);
    this.#timers.clear();
  }

  #advance(job: Job): void {
    const progress = Math.min(100, Math.floor(((Date.now() - job.startedAt) / job.durationMs) * 100));
    if (progress >= 100) {
      this.#finish(job, 'completed');
      return;
    }
    if (progress === job.progress) return;
    job.progress = progress;
    this.#report('job:progress', job);
  }

  #finish(job: Job, status: 'completed' | 'cancelled'): void {
    clearInterval(this.#timers.get(job.id));
    this.#timers.delete(job.id);
    job.status = status;
    if (status === 'completed') job.progress = 100;
    job.endedAt = Date.now();
    this.#report(status === 'completed' ? 'job:completed' : 'job:cancelled', job);
  }

  #forgetOldest(): void {
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= this.#keep) return;
      if (job.status !== 'running') this.#jobs.delete(id);
    }
  }

  #report(type: JobEventType, job: Job): void {
    // Listeners get a copy: a fragment rendered later must show the job as it was then.
    this.emit('job', { type, job: { ...job } });
  }
}
