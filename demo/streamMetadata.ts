import type { Request } from 'express';
import type { Broadcaster } from '../index';

/** What the demo keeps with each stream. */
export interface StreamMetadata {
  /** The client came back with a cursor (`Last-Event-ID` or `?lastEventId=`): a reconnect, not a page load. */
  resumed: boolean;
}

/** Reads {@link StreamMetadata} from a stream request. */
export function streamMetadata(req: Request): StreamMetadata {
  return { resumed: Boolean(req.get('last-event-id') || req.query.lastEventId) };
}

/** The demo's broadcaster: its streams carry {@link StreamMetadata}. */
export type DemoBroadcaster = Broadcaster<StreamMetadata>;
