import type { PropsWithChildren } from '@kitajs/html';
import type { BroadcasterStats, PresenceSource } from '../../index';
import { BoardForm, BoardItems } from '../board/BoardViews';
import type { BoardItem } from '../board/boardNotes';
import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import { ControlsCard } from '../controls/ControlsCard';
import { DashboardFeed, DIALECTS, type Dialect } from '../dashboardFeed';
import { JobForm, JobList } from '../jobs/JobViews';
import type { Job } from '../jobs/jobRunner';
import type { Visitor } from '../presence/visitor';
import { WhoIsHere } from '../presence/WhoIsHere';
import { SystemMetrics } from '../system/SystemCard';
import type { SystemSample } from '../system/systemSampler';
import { LiveStream } from './LiveStream';
import { PageScripts } from './PageScripts';
import type { PageContext } from './pageContext';

/** Everything the dashboard shows when it is first rendered. */
export interface DashboardPageProps {
  context: PageContext;
  devMode: boolean;
  samples: readonly SystemSample[];
  jobs: readonly Job[];
  board: readonly BoardItem[];
  stats: BroadcasterStats;
  /** Where "Who is here" reads who is, when the page renders (the broadcaster). */
  presence: PresenceSource;
  /** Who the page is for: signed in or not. */
  visitor: Visitor;
  /** The channel of the rendering process's system figures (see `systemChannel.ts`). */
  systemChannel: string;
  /** The broadcaster's cursor when the page was rendered; absent when it could not be read. */
  cursor?: string;
  /** The response's CSP nonce, put on every script and style tag. */
  nonce?: string;
}

/** Props of {@link DashboardState}. */
export interface DashboardStateProps {
  context: PageContext;
  jobs: readonly Job[];
  board: readonly BoardItem[];
}

/**
 * The parts of the dashboard its stream keeps up to date, as they are now and out of band: what a
 * page fetches after a gap in its stream (its `resync`). The live figures come every second anyway.
 */
export function DashboardState({ context, jobs, board }: DashboardStateProps): JSX.Element {
  return (
    <>
      <BoardItems items={board} oob />
      <JobList jobs={jobs} context={context} oob />
    </>
  );
}

const DIALECT_NAMES: Record<Dialect, string> = { htmx2: 'htmx 2', htmx4: 'htmx 4' };

interface CardProps {
  title: string;
  subtitle: string;
  wide?: boolean;
  id: string;
}

function Card({ title, subtitle, wide = false, id, children }: PropsWithChildren<CardProps>): JSX.Element {
  return (
    <section class={wide ? 'card wide' : 'card'} aria-labelledby={`${id}-title`} id={id}>
      <div class="card-head">
        <h2 id={`${id}-title`} safe>
          {title}
        </h2>
        <p class="card-sub" safe>
          {subtitle}
        </p>
      </div>
      {children}
    </section>
  );
}

/** The whole dashboard page, for one htmx dialect (async: "Who is here" reads the presence as it renders). */
export function DashboardPage(props: DashboardPageProps): JSX.Element {
  const { context } = props;
  const { dialect } = context;
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>express-htmx-sse · live dashboard</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="/dashboard.css" />
          <PageScripts dialect={dialect} nonce={props.nonce} />
        </head>
        <body data-dialect={dialect}>
          <header class="topbar">
            <div class="brand">
              <span class="logo" aria-hidden="true">
                ⚡
              </span>
              <div>
                <h1>express-htmx-sse</h1>
                <p>Server-Sent Events for Express, Kita JSX and htmx — everything below is live</p>
              </div>
            </div>
            <nav class="dialect-switch" aria-label="htmx version">
              {DIALECTS.map((option) => (
                <a href={`/?dialect=${option}`} aria-current={option === dialect ? 'page' : undefined} safe>
                  {DIALECT_NAMES[option]}
                </a>
              ))}
            </nav>
            <div class="stream-status">
              <span class="muted">Page stream</span>
              <LiveStream
                context={context}
                channel={DashboardFeed.channelFor(dialect)}
                connectionId="dashboard"
                size="md"
                lastEventId={props.cursor}
                resync={DashboardFeed.resyncPathFor(dialect)}
              />
            </div>
          </header>
          <main class="grid">
            <Card
              id="system"
              title="Live system"
              subtitle="The process that rendered this page, every second: one latest-value event per figure"
              wide
            >
              <div class="stream-status">
                <span class="muted">Figures stream</span>
                <LiveStream
                  context={context}
                  channel={props.systemChannel}
                  connectionId="system"
                  size="xs"
                  lastEventId={props.cursor}
                />
              </div>
              <SystemMetrics samples={props.samples} />
            </Card>
            <Card id="jobs" title="Jobs" subtitle="One stream per job, closed when it ends">
              <JobForm />
              <JobList jobs={props.jobs} context={context} />
            </Card>
            <Card id="who" title="Who is here" subtitle="Everyone signed in with a tab open, on any process">
              <WhoIsHere context={context} presence={props.presence} visitor={props.visitor} />
            </Card>
            <Card id="board" title="Shared board" subtitle="Every open tab sees every change">
              <BoardForm />
              <BoardItems items={props.board} />
            </Card>
            <Card id="connections" title="Connections" subtitle="Live from the connection registry">
              <ConnectionsPanel stats={props.stats} />
            </Card>
            {props.devMode ? (
              <Card id="controls" title="Resilience" subtitle="Break the streams and watch the page recover" wide>
                <ControlsCard />
              </Card>
            ) : (
              ''
            )}
          </main>
          <footer class="page-footer" safe>
            {`Rendered with ${DIALECT_NAMES[dialect]}. Open this page in a second tab to watch the shared board and the connection counts move.`}
          </footer>
        </body>
      </html>
    </>
  );
}
