import { createServer } from 'node:http';
import express from 'express';
import { createBroadcaster, sseMiddleware } from '../../index';
import type { BenchServerFactory } from './benchServer';

/**
 * The views scenario's servers (issue 25): this library on the in-memory bus, 1,000 streams whose
 * viewers take the roles `admin`, `member` and `guest` in turn, and one fragment per event rendered
 * with Kita three ways: once for everyone before publishing (`views-broadcast`, the unpersonalized
 * broadcast), once per role by a view (`views-audiences`), and once per stream by a view whose
 * audience is the stream itself (`views-per-stream`, what rendering per user costs).
 */

/** What a viewer of the bench is: its role, and a number of its own. */
interface BenchViewer {
  role: string;
  viewer: number;
}

const ROLES = ['admin', 'member', 'guest'] as const;
/** The role that the unpersonalized broadcast renders for everyone. */
const BROADCAST_ROLE = 'member';

/** One task as a role sees it; the payload (with the load generator's stamp) is its text. */
function renderTask(payload: string, role: string): string {
  return (
    <article class="task" data-role={role}>
      <p class="title" safe>
        {payload}
      </p>
      {role === 'admin' ? <button type="button">delete</button> : <span class="muted">read only</span>}
    </article>
  ) as string;
}

type ViewMode = 'broadcast' | 'audiences' | 'perStream';

function viewsServer(mode: ViewMode): BenchServerFactory {
  return ({ keepAliveMs, onConnection, channels, historySize }) => {
    const broadcaster = createBroadcaster<BenchViewer>(
      historySize === undefined ? {} : { history: { size: historySize } },
    );
    broadcaster.on('connect', onConnection);
    if (mode !== 'broadcast')
      broadcaster.view<string>('message', {
        audience: mode === 'audiences' ? (viewer) => viewer.role : (viewer) => viewer.viewer,
        render: (payload, viewer) => renderTask(payload, viewer.role),
      });
    let viewers = 0;
    const app = express();
    app.use(
      sseMiddleware<BenchViewer>({
        broadcaster,
        keepAlive: { intervalMs: keepAliveMs },
        metadata: () => {
          viewers += 1;
          return { role: ROLES[viewers % ROLES.length]!, viewer: viewers };
        },
      }),
    );
    const publish = (sequence: number, data: string, channel?: string): Promise<unknown> =>
      broadcaster.publish(channel ?? channels[sequence % channels.length]!, {
        data: mode === 'broadcast' ? renderTask(data, BROADCAST_ROLE) : data,
      });
    return { server: createServer(app), publish };
  };
}

/** The unpersonalized broadcast: rendered once, before publishing. */
export const createViewsBroadcastServer = viewsServer('broadcast');
/** A view rendering once per role among the streams. */
export const createViewsAudiencesServer = viewsServer('audiences');
/** A view rendering once per stream. */
export const createViewsPerStreamServer = viewsServer('perStream');
