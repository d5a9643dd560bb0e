import type { Dialect } from '../dashboardFeed';
import type { LiveStreamTimings } from './LiveStream';

/** What every piece of the page renders for: the page's dialect and the app's stream timings. */
export interface PageContext {
  dialect: Dialect;
  timings: LiveStreamTimings;
}
