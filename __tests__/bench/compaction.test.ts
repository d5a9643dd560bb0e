import type { AddressInfo } from 'node:net';
import { compactionTable } from '../../bench/compactionTable';
import {
  AWAY_SECONDS,
  DASHBOARD_CHANNEL,
  DASHBOARD_PATH,
  FIGURE_COUNT,
  FigurePage,
  publishSeconds,
  renderFigure,
} from '../../bench/dashboardFigures';
import type { Measurement } from '../../bench/measureScenario';
import { resumeDashboard } from '../../bench/resumingClient';
import { createOursServer } from '../../bench/servers/oursServer';

describe('the compaction bench counts what a resuming dashboard is replayed', () => {
  it('has a page complete only while every figure shows the current second, swapped in arrival order', () => {
    const page = new FigurePage(0, AWAY_SECONDS);
    for (let figure = 0; figure < FIGURE_COUNT - 1; figure += 1) page.swap(renderFigure(figure, AWAY_SECONDS));
    expect(page.complete).toBe(false);
    expect(page.swap(renderFigure(FIGURE_COUNT - 1, AWAY_SECONDS))).toBe(true);
    expect(page.complete).toBe(true);
    // A late older value puts the page behind again, as its swap would in a browser.
    page.swap(renderFigure(3, AWAY_SECONDS - 1));
    expect(page.complete).toBe(false);
    expect(page.swap('<p>an alert</p>')).toBe(false);
  });

  it.each([
    [false, FIGURE_COUNT * AWAY_SECONDS],
    [true, FIGURE_COUNT],
  ])('replays, keyed %s, %i events to a client that resumes after the minute', async (keyed, expected) => {
    const { server, publishKeyed } = createOursServer({
      keepAliveMs: 15_000,
      onConnection: () => undefined,
      channels: ['bench'],
      historySize: 2000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { cursor, missed } = await publishSeconds(
        (data, key) => publishKeyed!(DASHBOARD_CHANNEL, data, key),
        keyed,
      );
      expect(missed).toBe(FIGURE_COUNT * AWAY_SECONDS);

      const result = await resumeDashboard({
        port: (server.address() as AddressInfo).port,
        path: DASHBOARD_PATH,
        lastEventId: cursor,
        timeoutMs: 10_000,
      });

      expect(result).toMatchObject({ complete: true, events: expected, gaps: 0, otherEvents: 0 });
      const fragmentBytes = Buffer.byteLength(renderFigure(0, AWAY_SECONDS));
      expect(result.bytes).toBeGreaterThan(expected * fragmentBytes);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('states keyed against unkeyed per bus, and flags a keyed run that replayed more than one event per figure', () => {
    const run = (server: 'ours' | 'ours-redis', keyedEvents: number): Measurement => ({
      scenario: 'compaction',
      server,
      figures: {
        unkeyedEvents: 1200,
        keyedEvents,
        unkeyedBytes: 400_000,
        keyedBytes: 8_000,
        unkeyedCompleteMs: 20,
        keyedCompleteMs: 1,
        unkeyedCpuMs: 10,
        keyedCpuMs: 2,
      },
      problems: [],
      childCpuSeconds: 0,
    });

    const table = compactionTable([run('ours', 20), run('ours', 20), run('ours-redis', 21)]).split('\n');

    expect(table.find((line) => line.startsWith('| Events replayed'))).toBe(
      '| Events replayed until the page is complete | 1,200 | 20 | 0.017× | 1,200 | 21 | 0.018× |',
    );
    expect(table.find((line) => line.startsWith('| Time to a complete page'))).toContain(
      '0.050× (per repeat 0.050, 0.050)',
    );
    expect(table.find((line) => line.startsWith('| Goal'))).toMatch(/\| met \|.*\| \*\*not met\*\* \|$/);
  });
});
