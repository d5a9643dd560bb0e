import {
  type ConnectionInfo,
  connectPipeline,
  ElementUpdater,
  EventDispatcher,
  jobChannel,
  OobTarget,
} from '../../index';
import type { DashboardFeed } from '../dashboardFeed';
import type { DemoBroadcaster } from '../streamMetadata';
import { JOB_LIST_ID, JobActions, JobProgressBar, JobRow, JobStatusBadge } from './JobViews';
import type { Job, JobEvent } from './jobRunner';
import type { JobStore } from './jobStore';

/** What {@link connectJobPipeline} needs. */
export interface JobPipelineOptions {
  jobs: JobStore;
  broadcaster: DemoBroadcaster;
  feed: DashboardFeed;
  /**
   * With jobs shared by several processes (each runs its own), how often this process looks for
   * its streams on jobs that ended in another process, to end them too (`closeChannel` reaches
   * this process's streams only). Default: never (every job runs here).
   */
  endedElsewhereCheckMs?: number;
}

/** The updater that turns job events into the fragments of the job's row. */
function jobUpdater(): ElementUpdater<Job> {
  const updater = new ElementUpdater<Job>();
  const ended = (job: Job): JSX.Element[] => [
    <JobStatusBadge job={job} />,
    <JobProgressBar job={job} />,
    <JobActions job={job} />,
  ];
  updater.on('job:progress', (job) => <JobProgressBar job={job} />);
  updater.on('job:completed', ended);
  updater.on('job:cancelled', ended);
  return updater;
}

/**
 * Job events through the library's pipeline: the runner's events are dispatched; progress and
 * endings are rendered by the element updater and published on the job's channel
 * (dispatcher → updater → broadcaster); a new job's row goes to every dashboard; after an ending
 * is published, the job's streams get a close event that tells them not to come back.
 * Returns a function that disconnects it.
 */
export function connectJobPipeline({ jobs, broadcaster, feed, endedElsewhereCheckMs }: JobPipelineOptions): () => void {
  const dispatcher = new EventDispatcher<Job>();
  const updater = jobUpdater();
  const disconnectUpdates = connectPipeline({
    dispatcher,
    updater,
    broadcaster,
    pattern: 'job:*',
    channel: (event) => jobChannel(event.data.id),
  });
  dispatcher.on(
    'job:started',
    ({ data: job }) =>
      feed.publish((context) => (
        <OobTarget target={JOB_LIST_ID} swap="afterbegin">
          <JobRow job={job} context={context} />
        </OobTarget>
      )),
    { name: 'publishJobRow' },
  );
  // Lower priority: runs once the pipeline has published the ending, so it reaches the page first.
  const closeStreams = ({ data: job }: { data: Job }): number =>
    broadcaster.closeChannel(jobChannel(job.id), { reconnect: false, reason: `job ${job.status}` });
  dispatcher.on('job:completed', closeStreams, { priority: -1, name: 'closeJobStreams' });
  dispatcher.on('job:cancelled', closeStreams, { priority: -1, name: 'closeJobStreams' });

  const onJob = (event: JobEvent): void => {
    dispatcher
      .dispatch({ type: event.type, data: event.job })
      .catch((error: unknown) => console.error(`demo: ${event.type} of job ${event.job.id} failed`, error));
  };

  // A stream that arrives after its job ended (or for a job no process runs) gets the final state
  // and the job's channel is closed at once, so no page waits forever on a finished job. The
  // stream may be a browser's shared one carrying other channels: the final state goes out on the
  // job's channel (as an event of that channel), and the close names the channel.
  const endLateJob = async (channel: string): Promise<void> => {
    const job = await jobs.get(channel.slice('job-'.length));
    if (job?.status === 'running') return;
    // Published here, so it is written to this process's streams after whatever the job's own
    // process published before it (one order per channel).
    if (job) await broadcaster.publish(channel, { data: await updater.render(`job:${job.status}`, job) });
    // After a macrotask, so a history replay to this stream has been written before the close.
    setImmediate(() =>
      broadcaster.closeChannel(channel, { reconnect: false, reason: job ? `job ${job.status}` : 'unknown job' }),
    );
  };
  const endQuietly = (channel: string): void => {
    endLateJob(channel).catch((error: unknown) => console.error(`demo: ending the stream of ${channel} failed`, error));
  };
  const onConnect = (connection: ConnectionInfo): void => {
    for (const channel of connection.channels) if (channel.startsWith('job-')) endQuietly(channel);
  };
  const endedElsewhere =
    endedElsewhereCheckMs === undefined
      ? undefined
      : setInterval(() => {
          const channels = new Set(broadcaster.connections().flatMap((connection) => connection.channels));
          for (const channel of channels) if (channel.startsWith('job-')) endQuietly(channel);
        }, endedElsewhereCheckMs);
  endedElsewhere?.unref();

  jobs.on('job', onJob);
  broadcaster.on('connect', onConnect);
  return () => {
    clearInterval(endedElsewhere);
    jobs.off('job', onJob);
    broadcaster.off('connect', onConnect);
    disconnectUpdates();
  };
}
