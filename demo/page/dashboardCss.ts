/**
 * The dashboard's stylesheet, served at `/dashboard.css`. No framework: custom properties for a
 * light and a dark palette, a card grid, and states that differ in glyph, word and pattern as
 * well as colour.
 */
export const dashboardCss = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f8; --surface: #ffffff; --surface-2: #f0f2f6; --border: #dfe3ea;
  --text: #1c2230; --muted: #5d6678; --accent: #4f46e5; --accent-soft: #e7e6fd; --accent-text: #ffffff;
  --ok: #15803d; --ok-soft: #dcfce7; --warn: #b45309; --warn-soft: #fef3c7; --bad: #b91c1c; --bad-soft: #fee2e2;
  --spark: #6366f1; --spark-area: rgba(99, 102, 241, 0.14);
  --radius: 14px; --shadow: 0 1px 2px rgba(16, 24, 40, 0.05), 0 4px 16px rgba(16, 24, 40, 0.06);
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1117; --surface: #171a23; --surface-2: #1f2330; --border: #2a2f3d;
    --text: #e6e8ef; --muted: #9aa3b5; --accent: #818cf8; --accent-soft: #262a4d; --accent-text: #0f1117;
    --ok: #4ade80; --ok-soft: #14301f; --warn: #fbbf24; --warn-soft: #3a2e12; --bad: #f87171; --bad-soft: #3b1a1a;
    --spark: #a5b4fc; --spark-area: rgba(165, 180, 252, 0.14);
    --shadow: 0 1px 2px rgba(0, 0, 0, 0.4);
  }
}
* { box-sizing: border-box; }
html { font-size: 15px; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5; -webkit-font-smoothing: antialiased;
}
code { font-family: var(--mono); font-size: 0.9em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); font-size: 0.87rem; }

.topbar {
  display: flex; align-items: center; gap: 1.5rem; flex-wrap: wrap;
  padding: 1rem 2rem; background: var(--surface); border-bottom: 1px solid var(--border);
}
.brand { display: flex; align-items: center; gap: 0.8rem; margin-right: auto; }
.logo {
  display: grid; place-items: center; width: 2.4rem; height: 2.4rem; border-radius: 10px;
  background: var(--accent); color: var(--accent-text); font-weight: 700; font-size: 1.1rem;
}
.brand h1 { margin: 0; font-size: 1.2rem; letter-spacing: -0.01em; }
.brand p { margin: 0; color: var(--muted); font-size: 0.87rem; }
.dialect-switch { display: inline-flex; border: 1px solid var(--border); border-radius: 999px; padding: 3px; background: var(--surface-2); }
.dialect-switch a {
  padding: 0.25rem 0.9rem; border-radius: 999px; color: var(--muted); text-decoration: none; font-size: 0.87rem; font-weight: 500;
}
.dialect-switch a[aria-current="page"] { background: var(--surface); color: var(--text); box-shadow: var(--shadow); font-weight: 600; }
.stream-status { display: flex; align-items: center; gap: 0.6rem; font-size: 0.87rem; }

.grid {
  display: grid; gap: 1.25rem; padding: 1.5rem 2rem 2rem;
  grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); max-width: 1400px; margin: 0 auto;
}
.card {
  background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: var(--shadow); padding: 1.2rem 1.3rem; display: flex; flex-direction: column; gap: 0.9rem; min-width: 0;
}
.card.wide { grid-column: 1 / -1; }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
.card h2 { margin: 0; font-size: 1.02rem; letter-spacing: -0.005em; }
.card-sub { margin: 0; color: var(--muted); font-size: 0.85rem; }
.card-footer { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-top: 0.6rem; }
.empty { color: var(--muted); font-size: 0.9rem; padding: 0.6rem 0; list-style: none; }

.metrics { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); }
.metric { background: var(--surface-2); border-radius: 10px; padding: 0.8rem 0.9rem 0.6rem; display: flex; flex-direction: column; gap: 0.2rem; }
.metric-name { color: var(--muted); font-size: 0.82rem; font-weight: 500; }
.metric-value { display: flex; align-items: baseline; gap: 0.3rem; }
.metric-number { font-size: 1.65rem; font-weight: 650; font-variant-numeric: tabular-nums; letter-spacing: -0.02em; }
.metric-unit { color: var(--muted); font-size: 0.9rem; }
.sparkline { width: 100%; height: 36px; overflow: visible; }
.sparkline-line { stroke: var(--spark); stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; vector-effect: non-scaling-stroke; }
.sparkline-area { fill: var(--spark-area); }
.sparkline-dot { fill: var(--spark); }

input[type="text"], input[type="number"] {
  font: inherit; color: inherit; background: var(--surface); border: 1px solid var(--border); border-radius: 8px;
  padding: 0.45rem 0.65rem; min-width: 0;
}
input:focus-visible, button:focus-visible, a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.button {
  font: inherit; font-weight: 550; font-size: 0.9rem; border-radius: 8px; border: 1px solid var(--border);
  padding: 0.45rem 0.95rem; cursor: pointer; background: var(--surface); color: var(--text); white-space: nowrap;
}
.button:hover { background: var(--surface-2); }
.button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
.button.primary:hover { filter: brightness(1.08); }
.button.quiet { background: transparent; }
.button.small { padding: 0.2rem 0.6rem; font-size: 0.8rem; }
.button:disabled { opacity: 0.45; cursor: default; }
.inline-form { display: flex; gap: 0.5rem; }
.inline-form input { flex: 1; }
.job-form { display: grid; grid-template-columns: minmax(0, 1fr) 6.5rem auto; gap: 0.5rem; align-items: end; }
.job-form input { font-size: 1rem; color: var(--text); width: 100%; }
.job-form label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.8rem; color: var(--muted); font-weight: 500; }

.jobs { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.6rem; }
.jobs > .empty:not(:only-child) { display: none; }
.job { border: 1px solid var(--border); border-radius: 10px; padding: 0.65rem 0.8rem; display: flex; flex-direction: column; gap: 0.45rem; }
.job-head, .job-foot { display: flex; align-items: center; justify-content: space-between; gap: 0.6rem; }
.job-foot-right { display: flex; align-items: center; gap: 0.6rem; }
.job-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.job-status {
  display: inline-flex; align-items: center; font-size: 0.76rem; font-weight: 600;
  padding: 0.1rem 0.55rem; border-radius: 999px; border: 1px solid transparent; white-space: nowrap;
}
.job-status-running { background: var(--accent-soft); color: var(--accent); }
.job-status-completed { background: var(--ok-soft); color: var(--ok); }
.job-status-cancelled { background: var(--surface-2); color: var(--muted); border-color: var(--border); border-style: dashed; }
.job-progress { display: grid; grid-template-columns: 1fr 3rem; align-items: center; gap: 0.6rem; }
.job-progress::before {
  content: ""; grid-area: 1 / 1; height: 0.6rem; border-radius: 999px; background: var(--surface-2);
  box-shadow: inset 0 0 0 1px var(--border);
}
.job-progress-bar {
  grid-area: 1 / 1; height: 0.6rem; border-radius: 999px; background: var(--accent);
  transition: width 0.25s ease-out; max-width: 100%;
}
.job-progress-text { grid-area: 1 / 2; text-align: right; font-size: 0.8rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.job:has(.job-status-completed) .job-progress-bar { background: var(--ok); }
.job:has(.job-status-cancelled) .job-progress-bar {
  background: repeating-linear-gradient(135deg, var(--muted) 0 5px, transparent 5px 9px); opacity: 0.6;
}

.notes { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; max-height: 16rem; overflow: auto; }
.note { display: flex; align-items: center; gap: 0.6rem; padding: 0.35rem 0.2rem; border-bottom: 1px solid var(--border); }
.note:last-child { border-bottom: 0; }
.note-toggle {
  flex: none; width: 1.3rem; height: 1.3rem; border-radius: 6px; border: 1.5px solid var(--muted); background: transparent;
  color: var(--accent-text); cursor: pointer; display: grid; place-items: center; font-size: 0.8rem; padding: 0; font-weight: 700;
}
.note.done .note-toggle { background: var(--ok); border-color: var(--ok); }
.note.done .note-text { text-decoration: line-through; color: var(--muted); }

.who { display: flex; flex-direction: column; gap: 0.7rem; }
.who-head { display: flex; align-items: center; justify-content: space-between; gap: 0.6rem; }
.sse-presence-count { font-weight: 650; font-variant-numeric: tabular-nums; color: var(--text); }
.people { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; max-height: 9rem; overflow: auto; }
.people li {
  padding: 0.15rem 0.65rem; border-radius: 999px; background: var(--accent-soft); color: var(--accent);
  font-size: 0.87rem; font-weight: 550; max-width: 16rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.people li.sse-presence-empty { background: transparent; color: var(--muted); font-weight: 400; padding-left: 0; }
.who-me { display: flex; align-items: center; justify-content: space-between; gap: 0.6rem; }
.who-me form { margin: 0; }
.signed-out { margin: 0; padding: 0.55rem 0.75rem; border-radius: 10px; background: var(--warn-soft); color: var(--warn); font-size: 0.87rem; }
.signed-out a { color: inherit; font-weight: 650; }
/* A stream ended because its user signed out (in this tab or another): say so, offer to sign in again. */
body:has([data-sse-state="unauthorized"]) .signed-out[hidden] { display: block; }
body:has([data-sse-state="unauthorized"]) .who-me, body:has([data-sse-state="unauthorized"]) #signin-form { display: none; }
body:has([data-sse-state="unauthorized"]) .people { opacity: 0.5; }

.figures { display: grid; grid-template-columns: repeat(2, 1fr); gap: 0.6rem; margin: 0 0 0.9rem; }
.figures div { background: var(--surface-2); border-radius: 10px; padding: 0.55rem 0.75rem; }
.figures dt { color: var(--muted); font-size: 0.78rem; font-weight: 500; }
.figures dd { margin: 0; font-size: 1.25rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.channels { width: 100%; border-collapse: collapse; font-size: 0.87rem; }
.channels caption { text-align: left; color: var(--muted); font-size: 0.78rem; font-weight: 500; padding-bottom: 0.3rem; }
.channels th { text-align: left; font-weight: 550; color: var(--muted); font-size: 0.78rem; border-bottom: 1px solid var(--border); padding: 0.3rem 0; }
.channels td { padding: 0.3rem 0; border-bottom: 1px solid var(--border); }
.channels .number { text-align: right; font-variant-numeric: tabular-nums; }
.footnote { margin: 0; color: var(--muted); font-size: 0.78rem; }

.controls { display: flex; gap: 0.7rem; flex-wrap: wrap; align-items: center; }
.control-result { color: var(--muted); font-size: 0.87rem; }
.page-footer { text-align: center; color: var(--muted); font-size: 0.8rem; padding: 0 2rem 2rem; }
@media (max-width: 640px) {
  .topbar, .grid { padding-left: 1rem; padding-right: 1rem; }
  .job-form { grid-template-columns: 1fr 1fr; }
  .job-form .button { grid-column: 1 / -1; }
}
`;
