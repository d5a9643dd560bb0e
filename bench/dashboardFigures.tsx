/**
 * The dashboard of the compaction and slow-client scenarios: {@link FIGURE_COUNT} figures, each an
 * out-of-band fragment republished once a second, and the page that swaps them in. Every fragment
 * names its figure and the (simulated) second it describes, so a client can tell when its page
 * shows the current value of every figure.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** The dashboard's channel. */
export const DASHBOARD_CHANNEL = 'dashboard';
/** Where a page of the dashboard opens its stream. */
export const DASHBOARD_PATH = `/sse/${DASHBOARD_CHANNEL}`;
/** How the figures are published: as plain events, then as latest-value events (one key per figure). */
export const FIGURE_MODES = ['unkeyed', 'keyed'] as const;
/** One of {@link FIGURE_MODES}. */
export type FigureMode = (typeof FIGURE_MODES)[number];
/** Figures on the dashboard: one key each when keyed. */
export const FIGURE_COUNT = 20;
/** How long the client is away, in simulated seconds at one update of every figure a second. */
export const AWAY_SECONDS = 60;
/** Where the simulated clock starts: the fragments carry times from here, one second apart. */
const SIMULATED_START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

const FIGURE_STAMP = /data-figure="(\d+)" data-second="(\d+)"/;

/** The key of figure `figure` in a keyed publish. */
export function figureKey(figure: number): string {
  return `figure-${figure}`;
}

/** A figure's value at `second`: any number that changes every second. */
function valueAt(figure: number, second: number): string {
  return (((figure + 1) * 37.3 + second * 1.7) % 100).toFixed(1);
}

/** The fragment of figure `figure` at simulated second `second` (about 290 bytes, like one card of the demo). */
export function renderFigure(figure: number, second: number): string {
  const at = new Date(SIMULATED_START_MS + second * 1000).toISOString();
  return (
    <div id={figureKey(figure)} class="metric" hx-swap-oob="true" data-figure={figure} data-second={second}>
      <div class="metric-name">Figure {figure}</div>
      <div class="metric-value">
        <span class="metric-number" safe>
          {valueAt(figure, second)}
        </span>
        <span class="metric-unit">ms</span>
      </div>
      <time datetime={at} safe>
        {at.slice(11, 19)}
      </time>
    </div>
  ) as string;
}

/** The figure and second a fragment of {@link renderFigure} describes, or undefined for any other data. */
export function readFigure(data: string): { figure: number; second: number } | undefined {
  const match = FIGURE_STAMP.exec(data);
  return match ? { figure: Number(match[1]), second: Number(match[2]) } : undefined;
}

/**
 * Publishes the dashboard's page state (second 0) and then `seconds` more seconds (by default the
 * {@link AWAY_SECONDS} a client misses), every figure once per second, each second's figures
 * handed over at once as a publisher on a 1 Hz timer would. The seconds follow each other without
 * waiting, only yielding to the event loop so sockets drain: just the fragments' times are a second
 * apart. Resolves with the id of the last event of second 0 (the `Last-Event-ID` of a client that
 * went away then) and how many events came after it.
 */
export async function publishSeconds(
  publish: (data: string, key: string | undefined) => Promise<string>,
  keyed: boolean,
  seconds = AWAY_SECONDS,
): Promise<{ cursor: string; missed: number }> {
  const key = (figure: number): string | undefined => (keyed ? figureKey(figure) : undefined);
  // Second 0 one publish after another, so the last id is surely the newest position.
  let cursor = '';
  for (let figure = 0; figure < FIGURE_COUNT; figure += 1) cursor = await publish(renderFigure(figure, 0), key(figure));
  for (let at = 1; at <= seconds; at += 1) {
    await Promise.all(
      Array.from({ length: FIGURE_COUNT }, (_, figure) => publish(renderFigure(figure, at), key(figure))),
    );
    await yieldToEventLoop();
  }
  return { cursor, missed: FIGURE_COUNT * seconds };
}

/**
 * The dashboard as a page holds it: the second each figure shows, moved by every fragment the
 * page swaps in, in arrival order (an older fragment arriving late would put an older value back).
 */
export class FigurePage {
  readonly #shown: number[];
  readonly #current: number;
  /** Figures not showing the current second. */
  #behind: number;

  /**
   * @param shown - the second the page shows for every figure when it resumes.
   * @param current - the server's current second: the page is complete when every figure shows it.
   */
  constructor(shown: number, current: number) {
    this.#shown = Array.from({ length: FIGURE_COUNT }, () => shown);
    this.#current = current;
    this.#behind = shown === current ? 0 : FIGURE_COUNT;
  }

  /** Swaps in a fragment; returns false when `data` is not a figure of this dashboard. */
  swap(data: string): boolean {
    const stamp = readFigure(data);
    if (!stamp || stamp.figure >= FIGURE_COUNT) return false;
    const was = this.#shown[stamp.figure]!;
    this.#shown[stamp.figure] = stamp.second;
    this.#behind += Number(stamp.second !== this.#current) - Number(was !== this.#current);
    return true;
  }

  /** Whether every figure shows the current second. */
  get complete(): boolean {
    return this.#behind === 0;
  }
}
