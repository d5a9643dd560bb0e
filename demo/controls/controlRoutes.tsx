import express, { type Router } from 'express';
import { DashboardFeed, DIALECTS } from '../dashboardFeed';
import type { DemoBroadcaster } from '../streamMetadata';
import type { StreamGate } from './streamGate';

/** Timings of the resilience controls. */
export interface ControlTimings {
  /** Wait the restart-stream close event asks clients for, in ms. Default 1000. */
  restartAfterMs?: number;
  /** How long "pause" refuses streams, in ms. Default 5000. */
  pauseMs?: number;
}

function ControlResult({ text }: { text: string }): JSX.Element {
  return (
    <span class="control-result" role="status" safe>
      {text}
    </span>
  );
}

/** Routes behind the resilience buttons; mounted only in dev mode. */
export function controlRoutes(broadcaster: DemoBroadcaster, gate: StreamGate, timings: ControlTimings = {}): Router {
  const router = express.Router();
  const restartAfterMs = timings.restartAfterMs ?? 1000;
  const pauseMs = timings.pauseMs ?? 5000;

  router.post('/controls/restart-stream', (_req, res) => {
    let closed = 0;
    for (const dialect of DIALECTS) {
      closed += broadcaster.closeChannel(DashboardFeed.channelFor(dialect), {
        reconnect: true,
        after: restartAfterMs,
        reason: 'restart requested',
      });
    }
    res.type('html').send(
      ControlResult({
        text: `Asked ${closed} dashboard stream(s) to reconnect in ${restartAfterMs / 1000} s`,
      }) as string,
    );
  });

  router.post('/controls/drop-connections', (_req, res) => {
    const dropped = gate.dropAll();
    res.type('html').send(ControlResult({ text: `Cut ${dropped} stream socket(s) without warning` }) as string);
  });

  router.post('/controls/pause', (_req, res) => {
    const waitMs = gate.pause(pauseMs);
    if (waitMs > 0) {
      res
        .status(429)
        .set('Retry-After', String(Math.ceil(waitMs / 1000)))
        .json({
          error: `a pause was asked for within the last ${(2 * pauseMs) / 1000} s; try again in ${Math.ceil(waitMs / 1000)} s`,
        });
      return;
    }
    res.type('html').send(ControlResult({ text: `Streams refused for ${pauseMs / 1000} s` }) as string);
  });

  return router;
}
