import express from 'express';
import { ConnectionMonitor } from '../../../../components/ConnectionMonitor';
import type { Dialect } from '../../../../components/dialect';
import type { MonitorOptions } from '../../../../components/monitorOptions';
import { SseElement } from '../../../../components/SseElement';
import { SseHead } from '../../../../components/SseHead';
import { type Broadcaster, createBroadcaster } from '../../../../lib/broadcast/broadcaster';
import { sseMiddleware } from '../../../../middleware/sseMiddleware';
import { RedisBus } from '../../../../redis';
import { type LoopbackServer, listenOnLoopback } from '../../../support/loopbackServer';
import { RedisServer } from '../../../support/redisServer';

/** What each stream keeps: who opened it. */
export interface UserMetadata {
  user: string;
}

/** The cookie that says who a browser context is signed in as (cookies ignore ports: every process sees it). */
export const USER_COOKIE = 'user';

/** Reconnects 100 ms after a loss, so an attempt that should not happen would happen well within a test's wait. */
const QUICK_MONITOR: MonitorOptions = {
  reconnectDelayMs: 100,
  jitter: 0,
  maxBackoffMultiplier: 2,
  heartbeatTimeoutMs: 0,
};

/** One monitored element of a test page. */
export interface AccessElement {
  id: string;
  channel: string;
  /** False: its own stream; default: the browser's shared stream. */
  shared?: boolean;
}

/** A stream request (GET) or a refusal's probe (HEAD) as a process saw it. */
export interface AccessRequest {
  process: number;
  method: string;
  user: string;
  channels: string[];
  /** `{prefix}?channels=…`, the form of the browser's shared stream (an element's own is `{prefix}/{channel}`). */
  shared: boolean;
  /** The answer's status, once sent (200 for a stream). */
  status: number | undefined;
  /** `Date.now()` when it arrived, and when its response closed (a stream: when it ended). */
  at: number;
  closedAt: number | undefined;
}

function userOf(cookieHeader: string | undefined): string {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === USER_COOKIE && value) return decodeURIComponent(value);
  }
  return '';
}

function listedChannels(req: express.Request): string | undefined {
  return typeof req.query.channels === 'string' ? req.query.channels : undefined;
}

function AccessPage({ dialect, elements }: { dialect: Dialect; elements: readonly AccessElement[] }): JSX.Element {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>access test</title>
        <SseHead dialect={dialect} />
      </head>
      <body>
        {elements.map((element) => (
          <section>
            <ConnectionMonitor connectionId={element.id} config={QUICK_MONITOR} />
            <SseElement
              connectionId={element.id}
              channel={element.channel}
              dialect={dialect}
              swap="beforeend"
              sharedStream={element.shared ?? true}
            >
              <p class="initial">waiting</p>
            </SseElement>
          </section>
        ))}
      </body>
    </html>
  );
}

/**
 * Three processes of one app on one Redis the rig starts, each its own Express server on
 * 127.0.0.1: who a request is comes from the `user` cookie; `authorize` refuses a signed-out user
 * (401) and a channel taken from a user (403, naming it); `revalidate` re-checks every second
 * whether a channel was taken from a stream's user; `POST /sign-out` signs the cookie's user out
 * and ends their streams. Every stream request and probe is recorded.
 */
export class AccessTestRig {
  readonly broadcasters: Broadcaster<UserMetadata>[] = [];
  readonly requests: AccessRequest[] = [];
  /** Users whose every request is refused with 401 (signed out). */
  readonly signedOut = new Set<string>();
  /** `user channel` pairs refused with 403 when a stream opens. */
  readonly refusedAtOpen = new Set<string>();
  /** `user channel` pairs the periodic re-check refuses. */
  readonly refusedOnRecheck = new Set<string>();
  readonly #servers: LoopbackServer[] = [];
  readonly #pages: { dialect: Dialect; elements: AccessElement[] }[] = [];
  #redis: RedisServer | undefined;

  private constructor() {}

  /** Starts Redis and the three processes. */
  static async start(): Promise<AccessTestRig> {
    const rig = new AccessTestRig();
    rig.#redis = await RedisServer.start();
    for (let process = 0; process < 3; process += 1) await rig.#startProcess(process);
    return rig;
  }

  /** `http://127.0.0.1:PORT` of a process. */
  url(process: number): string {
    const server = this.#servers[process];
    if (!server) throw new Error(`no process ${process}`);
    return server.url;
  }

  /** Registers a page; returns its URL on `process`. */
  addPage(process: number, dialect: Dialect, elements: AccessElement[]): string {
    this.#pages.push({ dialect, elements });
    return `${this.url(process)}/page/${this.#pages.length - 1}`;
  }

  /** Stream requests (GET) and probes (HEAD) of `user`, in order of arrival. */
  requestsOf(user: string): AccessRequest[] {
    return this.requests.filter((request) => request.user === user);
  }

  /** Publishes an `.item` on `channel` from `process`. */
  publishItem(process: number, channel: string, text: string): Promise<unknown> {
    const broadcaster = this.broadcasters[process];
    if (!broadcaster) throw new Error(`no process ${process}`);
    return broadcaster.publish(channel, { data: `<p class="item">${text}</p>` });
  }

  /** Closes every stream, the servers, the buses and Redis. */
  async close(): Promise<void> {
    for (const broadcaster of this.broadcasters) await broadcaster.close({ reconnect: false, reason: 'test over' });
    for (const server of this.#servers) await server.close();
    await this.#redis?.dispose();
  }

  async #startProcess(process: number): Promise<void> {
    const redis = this.#redis;
    if (!redis) throw new Error('Redis is not running');
    const bus = new RedisBus({ url: redis.url, keyPrefix: 'access:' });
    await bus.ready();
    const broadcaster = createBroadcaster<UserMetadata>({
      bus,
      revalidate: { everyMs: 1000, check: ({ user }, channel) => !this.refusedOnRecheck.has(`${user} ${channel}`) },
    });
    this.broadcasters.push(broadcaster);
    const app = express();
    app.get('/favicon.ico', (_req, res) => void res.status(204).end());
    app.get('/page/:index', async (req, res) => {
      const page = this.#pages[Number(req.params.index)];
      if (!page) return void res.status(404).json({ error: 'no such page' });
      res.type('html').send(`<!doctype html>${await (<AccessPage {...page} />)}`);
    });
    // What a sign-out button posts: this browser's user is signed out, and every stream of theirs ends.
    app.post('/sign-out', async (req, res) => {
      const user = userOf(req.headers.cookie);
      this.signedOut.add(user);
      res.json({ ended: await broadcaster.disconnectWhere({ metadata: { user } }) });
    });
    app.use('/sse', (req, res, next) => {
      if (req.path.startsWith('/_')) return next();
      const record: AccessRequest = {
        process,
        method: req.method,
        user: userOf(req.headers.cookie),
        channels: (listedChannels(req) ?? req.path.slice(1)).split(','),
        shared: listedChannels(req) !== undefined,
        status: undefined,
        at: Date.now(),
        closedAt: undefined,
      };
      this.requests.push(record);
      res.once('close', () => {
        record.status = res.statusCode;
        record.closedAt = Date.now();
      });
      next();
    });
    app.use(
      sseMiddleware({
        broadcaster,
        metadata: (req) => ({ user: userOf(req.headers.cookie) }),
        authorize: (req, channel) => {
          const user = userOf(req.headers.cookie);
          if (this.signedOut.has(user)) return { status: 401 };
          return !this.refusedAtOpen.has(`${user} ${channel}`);
        },
      }),
    );
    this.#servers.push(await listenOnLoopback(app));
  }
}
