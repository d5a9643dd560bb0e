import { EventEmitter } from 'node:events';
import type { DemoRedis } from '../sharedState';
import { createJob, JOB_LIMITS, type Job, type JobEvent, type JobRunner, tooManyRunning } from './jobRunner';
import type { JobStore } from './jobStore';

/** A job as kept in Redis: the job and when its process's lease on it runs out. */
interface JobRecord extends Job {
  /** ms since epoch; a running job whose lease ran out lost its process and counts as cancelled. */
  leaseUntil: number;
}

/**
 * Admits a job under the cap (running jobs whose lease holds, over every process), then forgets
 * the oldest ended jobs beyond `keep`, as the in-memory runner does.
 * KEYS: the jobs hash. ARGV: id, record, now, maxRunning, keep.
 */
const ADMIT = `
local fields = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[3])
local running = 0
local ended = {}
for i = 1, #fields, 2 do
  local job = cjson.decode(fields[i + 1])
  if job.status == 'running' and job.leaseUntil > now then
    running = running + 1
  else
    ended[#ended + 1] = { id = fields[i], startedAt = job.startedAt }
  end
end
if running >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
table.sort(ended, function(a, b) return a.startedAt < b.startedAt end)
local excess = #fields / 2 + 1 - tonumber(ARGV[5])
for i = 1, math.min(excess, #ended) do redis.call('HDEL', KEYS[1], ended[i].id) end
return 1
`;

/** Writes a job only while Redis still has it running: an end decided elsewhere is never undone. */
const REPLACE_IF_RUNNING = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or cjson.decode(current).status ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** Options of {@link RedisJobStore}. */
export interface RedisJobStoreOptions {
  /** Jobs running at once over every process; starting another is refused with a `RangeError`. Default 10. */
  maxRunning?: number;
  /** Jobs kept in the list (ended ones beyond it are forgotten). Default 20. */
  keep?: number;
  /** How long a process's claim on its running jobs lasts unless renewed (it renews every third of it), in ms. Default 5000. */
  leaseMs?: number;
}

/** A job as the page shows it: one whose process is gone (its lease ran out) has ended, cancelled. */
function jobOf(record: JobRecord, now: number): Job {
  const { leaseUntil, ...job } = record;
  if (job.status === 'running' && leaseUntil <= now) return { ...job, status: 'cancelled', endedAt: leaseUntil };
  return job;
}

/**
 * The jobs of every demo process on one Redis, in the hash `<prefix>demo:jobs`. A job runs in
 * the process that started it (its {@link JobRunner}), which writes each change to Redis before
 * reporting it, and renews a lease on its running jobs; any process lists them, admits a new one
 * under the shared cap, or cancels one (Redis first; the running process sees it at its next
 * write and stops). A job whose process died ends as cancelled once its lease runs out.
 */
export class RedisJobStore extends EventEmitter<{ job: [event: JobEvent] }> implements JobStore {
  readonly #client: DemoRedis;
  readonly #key: string;
  readonly #runner: JobRunner;
  readonly #maxRunning: number;
  readonly #keep: number;
  readonly #leaseMs: number;
  readonly #renewal: NodeJS.Timeout;

  /**
   * @param client - a connected node-redis client.
   * @param keyPrefix - prefix of the demo's keys, e.g. `sse-demo:`.
   * @param runner - runs the jobs this process starts.
   * @param options - cap, list length and lease.
   */
  constructor(client: DemoRedis, keyPrefix: string, runner: JobRunner, options: RedisJobStoreOptions = {}) {
    super();
    this.#client = client;
    this.#key = `${keyPrefix}demo:jobs`;
    this.#runner = runner;
    this.#maxRunning = options.maxRunning ?? JOB_LIMITS.maxRunning;
    this.#keep = options.keep ?? JOB_LIMITS.keep;
    this.#leaseMs = options.leaseMs ?? 5000;
    runner.on('job', this.#onRunnerJob);
    this.#renewal = setInterval(this.#renewLeases, Math.ceil(this.#leaseMs / 3));
    this.#renewal.unref();
  }

  /** {@inheritDoc JobStore.start} */
  async start(name: string, durationMs: number): Promise<Job> {
    const job = createJob(name, durationMs);
    const admitted = await this.#client.eval(ADMIT, {
      keys: [this.#key],
      arguments: [job.id, this.#record(job), String(Date.now()), String(this.#maxRunning), String(this.#keep)],
    });
    if (admitted !== 1) throw tooManyRunning(this.#maxRunning);
    return this.#runner.run(job);
  }

  /** {@inheritDoc JobStore.cancel} */
  async cancel(id: string): Promise<Job | undefined> {
    if (this.#runner.get(id)?.status === 'running') return this.#runner.cancel(id);
    const job = await this.get(id);
    if (job?.status !== 'running') return job;
    const cancelled: Job = { ...job, status: 'cancelled', endedAt: Date.now() };
    if (!(await this.#replaceIfRunning(cancelled))) return this.get(id);
    // The process that runs the job stops at its next write; this one reports the end.
    this.emit('job', { type: 'job:cancelled', job: cancelled });
    return cancelled;
  }

  /** {@inheritDoc JobStore.get} */
  async get(id: string): Promise<Job | undefined> {
    const text = await this.#client.hGet(this.#key, id);
    return typeof text === 'string' ? jobOf(JSON.parse(text) as JobRecord, Date.now()) : undefined;
  }

  /** {@inheritDoc JobStore.list} */
  async list(): Promise<Job[]> {
    const now = Date.now();
    return Object.values(await this.#client.hGetAll(this.#key))
      .map((text) => jobOf(JSON.parse(text) as JobRecord, now))
      .sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
  }

  /** Stops renewing leases and following the runner (its jobs then end as cancelled once their leases run out). */
  stop(): void {
    clearInterval(this.#renewal);
    this.#runner.off('job', this.#onRunnerJob);
  }

  #record(job: Job): string {
    const record: JobRecord = { ...job, leaseUntil: Date.now() + this.#leaseMs };
    return JSON.stringify(record);
  }

  async #replaceIfRunning(job: Job): Promise<boolean> {
    const written = await this.#client.eval(REPLACE_IF_RUNNING, {
      keys: [this.#key],
      arguments: [job.id, this.#record(job)],
    });
    return written === 1;
  }

  /** Writes a change of a job of this process, then reports it; a job ended elsewhere is stopped instead. */
  readonly #onRunnerJob = (event: JobEvent): void => {
    this.#replaceIfRunning(event.job).then(
      (written) => {
        if (written) this.emit('job', event);
        else this.#runner.halt(event.job.id);
      },
      (error: unknown) => console.error(`demo: writing ${event.type} of job ${event.job.id} to Redis failed`, error),
    );
  };

  readonly #renewLeases = (): void => {
    for (const job of this.#runner.list()) {
      if (job.status !== 'running') continue;
      this.#replaceIfRunning(job).then(
        (written) => {
          if (!written) this.#runner.halt(job.id);
        },
        (error: unknown) => console.error(`demo: renewing the lease of job ${job.id} failed`, error),
      );
    }
  };
}
