import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Broadcaster } from '../lib/broadcast/broadcaster';
import { CONNECTION_ID_PATTERN, isConnectionId } from '../lib/broadcast/connectionId';
import { KeepAlive, type KeepAliveOptions } from '../lib/broadcast/keepAlive';
import { readPresenceMember } from '../lib/broadcast/presenceMember';
import type { StreamConnection } from '../lib/broadcast/sseConnection';
import { DEFAULT_MAX_CHANNELS_PER_STREAM } from '../lib/broadcast/streamChannels';
import { toError } from '../lib/errors/toError';
import { eventStreamHeaders, openEventStream } from '../lib/protocol/openEventStream';
import type { PresenceMember } from '../lib/protocol/protocolEvents';
import { DEFAULT_PREFIX, PREFIX_EXPECTED, STREAM_PREFIX } from '../lib/protocol/streamPaths';
import { OptionReader } from '../lib/validation/optionReader';
import { assetRoutes } from './assetRoutes';
import { ClientConnectionLimit } from './clientConnectionLimit';
import { sendConnectionCount } from './connectionCount';
import { sendJsonError } from './jsonError';
import { releaseRequestState } from './releaseRequestState';
import { listedChannels, type RequestedChannels, singleChannel } from './requestedChannels';
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
  /**
   * Decides whether `req` may listen to `channel` (sync or async), asked for each channel of a
   * stream: one refusal refuses the stream. Default: everyone may.
   */
  authorize?: (req: Request, channel: string) => AuthorizationResult | Promise<AuthorizationResult>;
  /** App data kept with each connection, taken from the request (e.g. the user id). */
  metadata?: (req: Request) => M;
  /**
   * Who the request is on `channel`'s presence (sync or async), asked for each channel of a
   * stream: a member `{ id, ...fields }` (fields: strings, finite numbers, booleans or null; at
   * most 1 KiB as JSON), counted once however many tabs, browsers or processes hold its streams,
   * or undefined for none (an anonymous viewer, a channel without presence). Streams of a channel
   * with members get `sse:presence` events; `broadcaster.presence(channel)` reads them. A function
   * that throws or answers something else refuses that stream with 500 and a JSON message.
   */
  presence?: (req: Request, channel: string) => PresenceMember | undefined | Promise<PresenceMember | undefined>;
  /**
   * The connection's id, taken from the request (e.g. the session id plus a `?tab=` parameter), or
   * undefined for a random one. An id that does not match `CONNECTION_ID_PATTERN` is answered 400;
   * a stream already open with the same id is replaced (see `ConnectOptions.id`). Default: random.
   */
  connectionId?: (req: Request) => string | undefined;
  /** Open streams allowed in this process; beyond it, 503 with `Retry-After`. Default: no limit. */
  maxConnections?: number;
  /** Open streams one client may hold, whatever their channels; beyond it, 429 with `Retry-After`. Default: no limit. */
  maxConnectionsPerClient?: number;
  /** Channels one `GET {prefix}?channels=a,b,c` stream may carry; beyond it, 400. Default 32. */
  maxChannelsPerStream?: number;
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
  /**
   * `GET {prefix}/_stats` (JSON) and `{prefix}/_stats/count` (for `<ConnectionCounter>`): off by
   * default; `true` for everyone, or a guard per request.
   */
  stats?: boolean | ((req: Request) => boolean | Promise<boolean>);
}

const LAST_EVENT_ID_LIMIT = 256;

/** The request's member on each channel that has one, each checked. @throws what `presence` threw, or a TypeError naming a bad member. */
async function membersOf(
  presence: NonNullable<SseMiddlewareOptions<unknown>['presence']>,
  req: Request,
  channels: readonly string[],
): Promise<Record<string, PresenceMember>> {
  const answers = await Promise.all(channels.map((channel) => presence(req, channel)));
  const members: Record<string, PresenceMember> = {};
  channels.forEach((channel, index) => {
    const member = readPresenceMember('presence', answers[index]);
    if (member) members[channel] = member;
  });
  return members;
}

/** Reads the replay cursor: the `Last-Event-ID` header, else the `lastEventId` query parameter. */
function lastEventIdOf(req: Request): string | undefined {
  const header = req.get('last-event-id');
  const query = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined;
  const cursor = header || query;
  // A cursor we could never have issued is treated as unknown (a gap), never an error.
  return cursor ? cursor.slice(0, LAST_EVENT_ID_LIMIT) : undefined;
}

/**
 * Express middleware serving a broadcaster's channels (GET and HEAD; anything else goes to `next`):
 * `GET {prefix}/:channel` streams a channel (with replay from `Last-Event-ID` or `?lastEventId=`),
 * `GET {prefix}?channels=a,b,c` streams several channels on one connection (one cursor for all),
 * `HEAD` on either answers the same checks and headers with no body and no stream,
 * `GET {prefix}/_stats` answers JSON stats when enabled, `GET {prefix}/_stats/count` the open-stream count.
 * `GET {prefix}/_assets/:name` serves htmx, its SSE extensions and the monitor runtime (see `assetRoutes`).
 */
export function sseMiddleware<M = undefined>(options: SseMiddlewareOptions<M>): RequestHandler {
  if (options === undefined)
    throw new TypeError('sseMiddleware: options must be an object with a broadcaster (createBroadcaster())');
  const read = new OptionReader<SseMiddlewareOptions<M>>('sseMiddleware', options);
  const broadcaster = read.raw('broadcaster');
  if (typeof broadcaster?.connect !== 'function')
    throw read.error('broadcaster', 'a Broadcaster (createBroadcaster())', broadcaster);
  const prefix = read.string('prefix', DEFAULT_PREFIX, STREAM_PREFIX, PREFIX_EXPECTED);
  const maxConnections = read.integer('maxConnections', Number.MAX_SAFE_INTEGER, { min: 1 });
  const perClient = new ClientConnectionLimit(
    read.integer('maxConnectionsPerClient', Number.MAX_SAFE_INTEGER, { min: 1 }),
  );
  const clientKey = read.optionalFunction('clientKey') ?? ((req: Request) => req.ip ?? 'unknown');
  const maxChannels = read.integer('maxChannelsPerStream', DEFAULT_MAX_CHANNELS_PER_STREAM, { min: 1 });
  const retryAfter = { 'Retry-After': String(read.integer('retryAfterSeconds', 5)) };
  const keepAlive = new KeepAlive(read.raw('keepAlive'));
  const opening = { retryMs: read.integer('retryMs', 2000), retryJitterMs: read.integer('retryJitterMs', 1000) };
  const authorize = read.optionalFunction('authorize');
  const metadataOf = read.optionalFunction('metadata');
  const presenceOf = read.optionalFunction('presence');
  const connectionIdOf = read.optionalFunction('connectionId');
  const statsGuard = read.raw('stats');
  if (statsGuard !== undefined && typeof statsGuard !== 'boolean' && typeof statsGuard !== 'function')
    throw read.error('stats', 'a boolean or a function', statsGuard);
  let open = 0;

  const stream = async (req: Request, res: Response, requested: RequestedChannels): Promise<void> => {
    if ('invalid' in requested) return sendJsonError(res, 400, requested.invalid);
    const { channels } = requested;
    // As a route `/:channel` would have it, for `authorize` and `metadata`.
    if (channels.length === 1) req.params = { ...req.params, channel: channels[0] };
    if (broadcaster.closed) return sendJsonError(res, 503, 'server is shutting down', retryAfter);
    if (authorize) {
      const decisions = await Promise.all(channels.map((channel) => authorize(req, channel)));
      const refused = decisions.findIndex((decision) => decision !== true);
      if (refused !== -1) {
        const decision = decisions[refused];
        const channel = channels[refused];
        const denial = typeof decision === 'object' && decision !== null ? decision : { status: 403 as const };
        const status = denial.status === 401 ? 401 : 403;
        return sendJsonError(
          res,
          status,
          denial.message ?? (status === 401 ? 'authentication required' : `not allowed to listen to ${channel}`),
          {},
          status === 403 ? { channel } : {},
        );
      }
    }
    let members: Record<string, PresenceMember> | undefined;
    if (presenceOf) {
      try {
        members = await membersOf(presenceOf, req, channels);
      } catch (error) {
        return sendJsonError(res, 500, `presence failed: ${toError(error).message}`);
      }
    }
    // Again: the server may have begun to shut down while `authorize` or `presence` ran. From here
    // to `connect` nothing awaits, so no shutdown comes between.
    if (broadcaster.closed) return sendJsonError(res, 503, 'server is shutting down', retryAfter);
    // HEAD learns what a GET would open with, and holds nothing.
    if (req.method === 'HEAD') return void res.writeHead(200, eventStreamHeaders(req)).end();
    if (open >= maxConnections) return sendJsonError(res, 503, 'too many open streams on this server', retryAfter);
    const key = clientKey(req);
    if (!perClient.acquire(key)) return sendJsonError(res, 429, 'too many open streams from this client', retryAfter);
    open += 1;
    // Both slots are given back exactly once, on whichever path the request leaves by.
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      open -= 1;
      perClient.release(key);
    };
    let connection: StreamConnection<M>;
    try {
      if (req.socket.destroyed) return release();
      const metadata = metadataOf ? metadataOf(req) : (undefined as M);
      const id = connectionIdOf?.(req);
      if (id !== undefined && !isConnectionId(id)) {
        release();
        return sendJsonError(
          res,
          400,
          `invalid connection id ${JSON.stringify(id)}: must match ${CONNECTION_ID_PATTERN}`,
        );
      }
      openEventStream(req, res, opening);
      const onClose = (closed: StreamConnection<M>): void => {
        release();
        keepAlive.delete(closed);
      };
      connection = broadcaster.connect(res, {
        channels,
        id,
        metadata,
        lastEventId: lastEventIdOf(req),
        onClose,
        presence: members,
      });
    } catch (error) {
      release();
      throw error;
    }
    if (connection.isOpen) keepAlive.add(connection);
    releaseRequestState(req);
  };

  const stats = async (req: Request, res: Response, count: boolean): Promise<void> => {
    const allowed = typeof statsGuard === 'function' ? await statsGuard(req) : statsGuard === true;
    if (!allowed) return sendJsonError(res, 404, 'stats are not enabled');
    if (count) return sendConnectionCount(req, res, broadcaster.stats());
    res.set('Cache-Control', 'no-store').json(broadcaster.stats());
  };

  const assets = assetRoutes(prefix);
  return (req: Request, res: Response, next: NextFunction): void => {
    const route = req.method === 'GET' || req.method === 'HEAD' ? matchSseRoute(req.path, prefix) : undefined;
    const requested =
      route?.kind === 'stream'
        ? singleChannel(route.channel)
        : route?.kind === 'channels'
          ? listedChannels(req, maxChannels)
          : undefined;
    if (route?.kind === 'assets') assets(req, res, next);
    else if (route?.kind === 'stats' || route?.kind === 'count') stats(req, res, route.kind === 'count').catch(next);
    else if (requested) stream(req, res, requested).catch(next);
    else next();
  };
}
