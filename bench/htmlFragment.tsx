/**
 * The HTML scenario's event: what an htmx dashboard pushes, a ~2 KB multi-line fragment rendered
 * by Kita per event. Its stamp (publish time, sequence) is in an attribute for the load generator.
 */

interface ScoreRow {
  team: string;
  played: number;
  points: number;
}

const ROWS: readonly ScoreRow[] = Array.from({ length: 15 }, (_, index) => ({
  team: `Team ${String.fromCharCode(65 + index)} <${index}> & co`,
  played: 10 + index,
  points: 30 - index,
}));

/** Renders the fragment of event `sequence` with its `stamp` (see `payloads.ts`). */
export function renderScoreboard(sequence: number, stamp: string): string {
  return (
    <section id="scoreboard" hx-swap-oob="true" data-bench={stamp}>
      {'\n'}
      <h2>Scoreboard, update {sequence}</h2>
      {'\n'}
      <table class="scoreboard">
        {'\n'}
        {ROWS.map((row) => (
          <>
            <tr class="scoreboard-row">
              <td class="team" safe>
                {row.team}
              </td>
              <td class="played">{row.played}</td>
              <td class="points">{row.points}</td>
            </tr>
            {'\n'}
          </>
        ))}
      </table>
      {'\n'}
    </section>
  ) as string;
}
