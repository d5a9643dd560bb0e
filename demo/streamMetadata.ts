import type { Request } from 'express';
import type { Broadcaster } from '../index';
import { isSignedIn, publicIdOf, visitorOf } from './presence/visitor';

/**
 * What the demo keeps with each stream: whose browser opened it, so that signing in or out can end
 * every stream of that browser or user on every process (`disconnectWhere`).
 */
export interface DemoStreamMetadata {
  /** The browser's token (`demo_visitor`), or null for a client without one. */
  visitor: string | null;
  /** The signed-in user's public id, or null when signed out. */
  user: string | null;
}

/** The demo's broadcaster: its streams carry {@link DemoStreamMetadata}. */
export type DemoBroadcaster = Broadcaster<DemoStreamMetadata>;

/** The metadata of a stream `req` opens (`sseMiddleware`'s `metadata`). */
export function streamMetadataOf(req: Request): DemoStreamMetadata {
  const visitor = visitorOf(req);
  return { visitor: visitor.token ?? null, user: isSignedIn(visitor) ? publicIdOf(visitor.token) : null };
}
