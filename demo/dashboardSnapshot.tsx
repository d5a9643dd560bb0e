import type { Broadcaster, ConnectionInfo } from '../index';
import { BoardItems } from './board/BoardViews';
import type { BoardStore } from './board/boardStore';
import { DashboardFeed } from './dashboardFeed';
import { JobList } from './jobs/JobViews';
import type { JobRunner } from './jobs/jobRunner';
import { liveFigures } from './system/systemPublisher';
import type { SystemSampler } from './system/systemSampler';

/** What {@link sendSnapshotOnConnect} needs. */
export interface SnapshotOptions {
  broadcaster: Broadcaster<unknown>;
  board: BoardStore;
  runner: JobRunner;
  sampler: SystemSampler;
}

/**
 * Full state on connect: every dashboard stream, new or reconnecting, first receives the whole
 * board, job list and figures. A tab opened later, one back from a gap in history, or one whose
 * server restarted meanwhile, is complete at once. Returns a function that stops it.
 */
export function sendSnapshotOnConnect({ broadcaster, board, runner, sampler }: SnapshotOptions): () => void {
  const onConnect = (connection: ConnectionInfo<unknown>): void => {
    const dialect = DashboardFeed.dialectOf(connection.channel);
    if (!dialect) return;
    const snapshot = (
      <>
        <BoardItems items={board.items()} oob />
        <JobList jobs={runner.list()} dialect={dialect} oob />
        {liveFigures(sampler, broadcaster)}
      </>
    );
    void broadcaster.sendTo(connection.id, { data: snapshot }).catch((error: unknown) => console.error('demo: sending the snapshot failed', error));
  };
  broadcaster.on('connect', onConnect);
  return () => broadcaster.off('connect', onConnect);
}
