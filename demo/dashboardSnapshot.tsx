import type { Broadcaster, ConnectionInfo } from '../index';
import { BoardItems } from './board/BoardViews';
import type { BoardStore } from './board/boardStore';
import { DashboardFeed } from './dashboardFeed';
import { JobList } from './jobs/JobViews';
import type { JobRunner } from './jobs/jobRunner';
import type { StreamMetadata } from './streamMetadata';
import { liveFigures } from './system/systemPublisher';
import type { SystemSampler } from './system/systemSampler';

/** What {@link sendSnapshotOnConnect} needs. */
export interface SnapshotOptions {
  broadcaster: Broadcaster<StreamMetadata>;
  feed: DashboardFeed;
  board: BoardStore;
  runner: JobRunner;
  sampler: SystemSampler;
}

/**
 * Full state on connect: a dashboard stream that comes back (from a dropped connection, a gap in
 * history or a restarted server) first receives the whole board, job list and figures, so it is
 * complete at once. A page that has just loaded was rendered with the current jobs, so it gets
 * the board and figures only: replacing its job list would cut the job streams it just opened.
 * Returns a function that stops it.
 */
export function sendSnapshotOnConnect({ broadcaster, feed, board, runner, sampler }: SnapshotOptions): () => void {
  const onConnect = (connection: ConnectionInfo<StreamMetadata>): void => {
    const dialect = DashboardFeed.dialectOf(connection.channel);
    if (!dialect) return;
    const snapshot = (
      <>
        <BoardItems items={board.items()} oob />
        {connection.metadata.resumed ? <JobList jobs={runner.list()} context={feed.contextFor(dialect)} oob /> : ''}
        {liveFigures(sampler, broadcaster)}
      </>
    );
    void broadcaster
      .sendTo(connection.id, { data: snapshot })
      .catch((error: unknown) => console.error('demo: sending the snapshot failed', error));
  };
  broadcaster.on('connect', onConnect);
  return () => broadcaster.off('connect', onConnect);
}
