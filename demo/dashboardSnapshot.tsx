import type { ConnectionInfo } from '../index';
import { DashboardFeed } from './dashboardFeed';
import type { DemoBroadcaster } from './streamMetadata';
import { streamFigures } from './system/systemPublisher';

/** What {@link sendSnapshotOnConnect} needs. */
export interface SnapshotOptions {
  broadcaster: DemoBroadcaster;
}

/**
 * The connections panel on connect: a dashboard stream that opens (a page load, or one coming
 * back) shows the figures of the process serving it at once rather than at the next push (the
 * system card's figures come back by replay of their own channel). The board and the job list
 * need nothing here: a page is rendered with them and its stream resumes from the render-time
 * cursor, and after a gap in history the page fetches them again (its `resync`).
 * Returns a function that stops it.
 */
export function sendSnapshotOnConnect({ broadcaster }: SnapshotOptions): () => void {
  const send = async (connection: ConnectionInfo): Promise<void> => {
    await broadcaster.sendTo(connection.id, { data: await streamFigures(broadcaster) });
  };
  const onConnect = (connection: ConnectionInfo): void => {
    if (!DashboardFeed.dialectOf(connection.channel)) return;
    send(connection).catch((error: unknown) => console.error('demo: sending the figures failed', error));
  };
  broadcaster.on('connect', onConnect);
  return () => broadcaster.off('connect', onConnect);
}
