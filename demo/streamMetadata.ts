import type { Broadcaster } from '../index';

/** The demo's broadcaster: its streams carry no metadata of the app's. */
export type DemoBroadcaster = Broadcaster;
