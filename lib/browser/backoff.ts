import type { MonitorConfigData } from '../protocol/monitorContract';

type BackoffConfig = Pick<MonitorConfigData, 'reconnectDelayMs' | 'maxBackoffMultiplier' | 'jitter'>;

/**
 * Delay before reconnect attempt `attempt` (1-based): the base delay doubled per earlier attempt,
 * capped at `reconnectDelayMs * maxBackoffMultiplier`, then spread by ±`jitter` so that many pages
 * losing the same server do not come back in lockstep.
 */
export function reconnectDelay(attempt: number, config: BackoffConfig, random: () => number = Math.random): number {
  const multiplier = Math.min(2 ** Math.max(0, attempt - 1), config.maxBackoffMultiplier);
  return spread(config.reconnectDelayMs * multiplier, config.jitter, random);
}

/** `delayMs` spread by ±`jitter` (a fraction), never below zero. */
export function spread(delayMs: number, jitter: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(delayMs * (1 + jitter * (2 * random() - 1))));
}

/** The wait the server asked for in its close event, plus up to `jitter` of it at random. */
export function delayAfterServerClose(afterMs: number, jitter: number, random: () => number = Math.random): number {
  return Math.round(afterMs * (1 + jitter * random()));
}
