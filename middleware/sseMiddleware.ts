import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Broadcaster } from '../lib/broadcaster';
import { isChannelName } from '../lib/channelName';
import { openEventStream } from '../lib/eventStreamResponse';
import { KeepAlive, type KeepAliveOptions } from '../lib/keepAlive';
import type { SseConnection } from '../lib/sseConnection';
import { assetRoutes } from './assetRoutes';
import { ClientConnectionLimit } from './clientConnectionLimit';
import { sendJsonError } from './jsonError';
import { matchSseRoute } from './sseRoute';

/** A refusal from `authorize`: the status (401 or 403) and a message for the JSON body. */
export interface AuthorizationDenial {
  status: 401 | 403;
  message?: string;
}

/** What `authorize` may answer: true to allow, false for 403, or a denial with its status. */
export type AuthorizationResult = boolean | AuthorizationDenial;

/** Options of {@link sseMiddleware}. */
export interface SseMiddlewareOptions<M> {
  /** The broadcaster whose channels are served. */
  broadcaster: Broadcaster<M>;
  /** Mount path of the routes. Default `/sse`. */
  prefix?: string;
  /** Decides whether `req` may listen to `channel` (sync or async). Default: everyone may. */
  authorize?: (req: Request, channel: string) => AuthorizationResult | Promise<AuthorizationResult>;
  /** App data kept with each connection, taken from the request (e.g. the user id). */
  metadata?: (req: Request) => M;
  /** Open streams allowed in this process; beyond it, 503 with `Retry-After`. Default: no limit. */
  maxConnections?: number;
  /** Open streams one client may hold; beyond it, 429 with `Retry-After`. Default: no limit. */
  maxConnectionsPerClient?: number;
  /** What identifies "one client" for the per-client limit. Default: `req.ip`. */
  clientKey?: (req: Request) => string;
  /** Seconds put in `Retry-After` on 429/503. Default 5. */
  retryAfterSeconds?: number;
  /** Keep-alive interval and form (default: a named `sse:heartbeat` event every 15 s). */
  keepAlive?: KeepAliveOptions;
  /** Base `retry:` sent first on every stream, in ms. Default 2000. */
  retryMs?: number;
  /** Random extra `retry:` per connection, in ms, spreading reconnect storms. Default 1000. */
  retryJitterMs?: number;
  /** `GET {prefix}/_stats`: off by default; `true` for everyone, or a guard per request. */
  stats?: boolean | ((req: Request) => boolean | Promise<boolean>);
}

const LAST_EVENT_ID_LIMIT = 256;

/** Reads the replay cursor: the `Last-Event-ID` header, else the `lastEventId` query parameter. */
function lastEventIdOf(req: Request): string | undefined {
  const header = req.get('last-event-id');
  const query = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined;
  const cursor = header || query;
  // A cursor we could never have issued is treated as unknown (a gap), never an error.
  return cursor ? cursor.slice(0, LAST_EVENT_ID_LIMIT) : undefined;
}

function assertPositiveOption(name: string, value: number | undefined): void {
  if (value !== undefined && !(value >= 1)) throw new TypeError(`sseMiddleware option ${name} must be a number >= 1, got ${value}`);
}

/**
 * Express middleware serving a broadcaster's channels (GET and HEAD; anything else goes to `next`):
 * `GET {prefix}/:channel` streams a channel (with replay from `Last-Event-ID` or `?lastEventId=`),
 * `GET {prefix}/_stats` answers JSON stats when enabled.
 * `GET {prefix}/_assets/:name` serves htmx, its SSE extensions and the monitor runtime (see `assetRoutes`).
 */
export function sseMiddleware<M = undefined>(options: SseMiddlewareOptions<M>): RequestHandler {
  if (!options || typeof options !== 'object' || !options.broadcaster) {
    throw new TypeError('sseMiddleware needs options with a broadcaster (createBroadcaster())');
  }
  const { broadcaster } = options;
  const prefix = options.prefix ?? '/sse';
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) throw new TypeError(`sseMiddleware prefix must start with "/", got ${JSON.stringify(prefix)}`);
  assertPositiveOption('maxConnections', options.maxConnections);
  assertPositiveOption('maxConnectionsPerClient', options.maxConnectionsPerClient);
  const maxConnections = options.maxConnections ?? Number.POSITIVE_INFINITY;
  const perClient = new ClientConnectionLimit(options.maxConnectionsPerClient ?? Number.POSITIVE_INFINITY);
  const clientKey = options.clientKey ?? ((req: Request) => req.ip ?? 'unknown');
  const retryAfter = { 'Retry-After': String(options.retryAfterSeconds ?? 5) };
  const keepAlive = new KeepAlive(options.keepAlive);
  let open = 0;

  const stream = async (req: Request, res: Response, channel: string | undefined): Promise<void> => {
    if (channel === undefined || !isChannelName(channel)) {
      const shown = channel === undefined ? 'that is not valid percent-encoding' : JSON.stringify(channel);
      return sendJsonError(res, 400, `invalid channel name ${shown}: use 1-128 of A-Z a-z 0-9 _ . : -`);
    }
    // As a route `/:channel` would have it, for `authorize` and `metadata`.
    req.params = { ...req.params, channel };
    if (broadcaster.closed) return sendJsonError(res, 503, 'server is shutting down', retryAfter);
    if (options.authorize) {
      const decision = await options.authorize(req, channel);
      if (decision !== true) {
        const denial = typeof decision === 'object' && decision !== null ? decision : { status: 403 as const };
        const status = denial.status === 401 ? 401 : 403;
        return sendJsonError(res, status, denial.message ?? (status === 401 ? 'authentication required' : `not allowed to listen to ${channel}`));
      }
    }
    if (open >= maxConnections) return sendJsonError(res, 503, 'too many open streams on this server', retryAfter);
    const key = clientKey(req);
    if (!perClient.acquire(key)) return sendJsonError(res, 429, 'too many open streams from this client', retryAfter);
    if (req.socket.destroyed) return perClient.release(key);
    let metadata: M;
    try {
      metadata = options.metadata ? options.metadata(req) : (undefined as M);
    } catch (error) {
      perClient.release(key);
      throw error;
    }
    open += 1;
    openEventStream(req, res, { retryMs: options.retryMs, retryJitterMs: options.retryJitterMs });
    const onClose = (closed: SseConnection<M>): void => {
      open -= 1;
      perClient.release(key);
      keepAlive.delete(closed);
    };
    const connection = broadcaster.connect(res, { channel, metadata, lastEventId: lastEventIdOf(req), onClose });
    if (connection.isOpen) keepAlive.add(connection);
  };

  const stats = async (req: Request, res: Response): Promise<void> => {
    const guard = options.stats;
    const allowed = typeof guard === 'function' ? await guard(req) : guard === true;
    if (!allowed) return sendJsonError(res, 404, 'stats are not enabled');
    res.set('Cache-Control', 'no-store').json(broadcaster.stats());
  };

  const assets = assetRoutes(prefix);
  return (req: Request, res: Response, next: NextFunction): void => {
    const route = req.method === 'GET' || req.method === 'HEAD' ? matchSseRoute(req.path, prefix) : undefined;
    if (route === undefined) next();
    else if (route.kind === 'assets') assets(req, res, next);
    else (route.kind === 'stats' ? stats(req, res) : stream(req, res, route.channel)).catch(next);
  };
}
