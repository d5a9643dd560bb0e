import type { Broadcaster, ConnectionInfo } from '../index';
import { BoardItems } from './board/BoardViews';
import type { Board } from './board/boardNotes';
import { DashboardFeed, type Dialect } from './dashboardFeed';
import { JobList } from './jobs/JobViews';
import type { JobStore } from './jobs/jobStore';
import type { StreamMetadata } from './streamMetadata';
import { liveFigures } from './system/systemPublisher';
import type { SystemSampler } from './system/systemSampler';

/** What {@link sendSnapshotOnConnect} needs. */
export interface SnapshotOptions {
  broadcaster: Broadcaster<StreamMetadata>;
  feed: DashboardFeed;
  board: Board;
  jobs: JobStore;
  sampler: SystemSampler;
}

/**
 * Full state on connect: a dashboard stream that comes back (from a dropped connection, a gap in
 * history or a restarted server) first receives the whole board, job list and figures, so it is
 * complete at once. A page that has just loaded was rendered with the current jobs, so it gets
 * the board and figures only: replacing its job list would cut the job streams it just opened.
 * Returns a function that stops it.
 */
export function sendSnapshotOnConnect({ broadcaster, feed, board, jobs, sampler }: SnapshotOptions): () => void {
  const send = async (connection: ConnectionInfo<StreamMetadata>, dialect: Dialect): Promise<void> => {
    const resumed = connection.metadata.resumed;
    const [{ items }, list] = await Promise.all([board.snapshot(), resumed ? jobs.list() : []]);
    const snapshot = (
      <>
        <BoardItems items={items} oob />
        {resumed ? <JobList jobs={list} context={feed.contextFor(dialect)} oob /> : ''}
        {liveFigures(sampler, broadcaster)}
      </>
    );
    await broadcaster.sendTo(connection.id, { data: snapshot });
  };
  const onConnect = (connection: ConnectionInfo<StreamMetadata>): void => {
    const dialect = DashboardFeed.dialectOf(connection.channel);
    if (!dialect) return;
    send(connection, dialect).catch((error: unknown) => console.error('demo: sending the snapshot failed', error));
  };
  broadcaster.on('connect', onConnect);
  return () => broadcaster.off('connect', onConnect);
}
