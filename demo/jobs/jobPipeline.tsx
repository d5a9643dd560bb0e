import type { Broadcaster, ConnectionInfo } from '../../index';
import type { DashboardFeed } from '../dashboardFeed';
import type { Job, JobEvent, JobRunner } from './jobRunner';
import { JOB_LIST_ID, JobActions, JobProgress, JobRow, JobStatusBadge, jobChannel } from './JobViews';

/** What {@link connectJobPipeline} needs. */
export interface JobPipelineOptions {
  runner: JobRunner;
  broadcaster: Broadcaster<unknown>;
  feed: DashboardFeed;
}

function finalParts(job: Job): JSX.Element {
  return (
    <>
      <JobStatusBadge job={job} oob />
      <JobProgress job={job} oob />
      <JobActions job={job} oob />
    </>
  );
}

/**
 * Turns job events into page updates: a new job's row goes to every dashboard, progress to the
 * job's own channel, and an ended job gets its final state and then a close event that tells
 * its streams not to come back. Returns a function that disconnects it.
 */
export function connectJobPipeline({ runner, broadcaster, feed }: JobPipelineOptions): () => void {
  const onJob = (event: JobEvent): void => {
    void publishJobEvent(event).catch((error: unknown) => console.error(`demo: publishing ${event.type} for job ${event.job.id} failed`, error));
  };

  const publishJobEvent = async ({ type, job }: JobEvent): Promise<void> => {
    const channel = jobChannel(job.id);
    switch (type) {
      case 'job:started':
        await feed.publish((dialect) => (
          <ul hx-swap-oob={`afterbegin:#${JOB_LIST_ID}`}>
            <JobRow job={job} dialect={dialect} />
          </ul>
        ));
        return;
      case 'job:progress':
        await broadcaster.publish(channel, { data: <JobProgress job={job} oob /> });
        return;
      case 'job:completed':
      case 'job:cancelled':
        await broadcaster.publish(channel, { data: finalParts(job) });
        broadcaster.closeChannel(channel, { reconnect: false, reason: `job ${job.status}` });
        return;
    }
  };

  // A stream that arrives after its job ended (or for a job this server never ran) gets the
  // final state and is closed at once, so no page waits forever on a finished job.
  const onConnect = (connection: ConnectionInfo<unknown>): void => {
    if (!connection.channel.startsWith('job-')) return;
    const job = runner.get(connection.channel.slice('job-'.length));
    if (job?.status === 'running') return;
    const deliver = job ? broadcaster.sendTo(connection.id, { data: finalParts(job) }) : Promise.resolve(false);
    void deliver.then(() => {
      // After a macrotask, so a history replay to this stream has been written before the close.
      setImmediate(() => broadcaster.closeChannel(connection.channel, { reconnect: false, reason: job ? `job ${job.status}` : 'unknown job' }));
    });
  };

  runner.on('job', onJob);
  broadcaster.on('connect', onConnect);
  return () => {
    runner.off('job', onJob);
    broadcaster.off('connect', onConnect);
  };
}
