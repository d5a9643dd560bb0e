import type { Request } from 'express';
import type { PresenceMember } from '../../index';
import { isSignedIn, publicIdOf, visitorOf } from './visitor';

/** The channel whose presence the dashboard shows: one for every dialect, so everyone sees everyone. */
export const WHO_IS_HERE_CHANNEL = 'who-is-here';

/**
 * Who a stream request is on `channel`'s presence (`sseMiddleware`'s `presence`): the signed-in
 * visitor, by public id and name, on {@link WHO_IS_HERE_CHANNEL}; no one anywhere else, and no one
 * for a visitor who did not sign in (who still sees the list).
 */
export function presenceOf(req: Request, channel: string): PresenceMember | undefined {
  if (channel !== WHO_IS_HERE_CHANNEL) return undefined;
  const visitor = visitorOf(req);
  return isSignedIn(visitor) ? { id: publicIdOf(visitor.token), name: visitor.name } : undefined;
}
