"""The report page's style sheet: light by default, dark where the system asks for it, and a
print layout in which every folded table is shown.

Colours are CSS variables, so the drawings nudger makes itself (the timeline, the sparklines)
follow the scheme; pygal's charts carry their own white background and stay light cards in the
dark scheme. The sides' colours are Okabe-Ito (safe for the common colour-vision deficiencies):
the darker pair on white, the lighter pair on the dark background, each at least 3:1 against it.
No font, image or sheet is fetched: the page stays self-contained.
"""

CSS = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1a1a1a; --muted: #595959; --line: #bfbfbf;
  --faint: #e6e6e6; --head: #f0f0f0; --link: #0b5394;
  --me: #0072B2; --them: #D55E00; --unknown: #767676; }
@media screen and (prefers-color-scheme: dark) {
  :root { --bg: #16181b; --fg: #e8e8e8; --muted: #a9a9a9; --line: #4a4d52; --faint: #2c2f33;
    --head: #23262a; --link: #8cc4ff; --me: #56B4E9; --them: #E69F00; --unknown: #9a9a9a; }
  svg.pygal-chart { border-radius: .4rem; }
}
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 78rem;
  padding: .5rem 1.5rem 1rem; }
h1 { margin: .25rem 0; font-size: 1.6rem; }
header p { margin: .2rem 0; font-size: .9rem; color: var(--muted); }
h2 { border-top: 2px solid var(--fg); padding-top: 1rem; margin-top: 2.5rem; }
h2 small { font-weight: normal; color: var(--muted); font-size: 1rem; margin-left: .5rem; }
.overview h2 { border: 0; margin: .75rem 0 .25rem; padding: 0; font-size: 1.2rem; }
a { color: var(--link); }
code { font-size: .9em; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0 0 1rem; }
.summary dt { font-size: .85rem; color: var(--muted); }
.summary dd { margin: 0; font-weight: 600; }
.verdict { border: 2px solid currentColor; border-radius: .25rem; padding: 0 .4rem;
  white-space: nowrap; }
tr[data-verdict="one-sided"] .verdict { font-weight: 700; }
.absent { color: var(--muted); font-style: italic; }
figure { margin: 1.5rem 0; break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 800px; height: auto; }
/* Two charts a row where the window is wide enough: half the scrolling. */
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 34rem), 1fr));
  gap: 0 2.5rem; }
.charts figure { margin: 1rem 0; min-width: 0; }
figcaption { font-size: .9rem; color: var(--muted); }
details { margin-top: .4rem; }
summary { cursor: pointer; font-size: .9rem; color: var(--link); }
table { border-collapse: collapse; margin-top: .5rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-size: .9rem; color: var(--muted); padding-bottom: .25rem; }
th, td { border: 1px solid var(--line); padding: .2rem .6rem; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
thead th { background: var(--head); }
tfoot th, tfoot td { font-weight: 700; }
table.overview { width: 100%; font-size: .92rem; margin-top: 0; }
table.overview td, table.overview th { padding: .25rem .45rem; vertical-align: middle; }
table.overview td:nth-child(2), table.overview td:nth-child(8) { text-align: left; }
table.overview small { color: var(--muted); }
.note { font-size: .85rem; color: var(--muted); margin: .3rem 0 0; }
svg.spark { display: inline-block; width: 96px; height: 26px; vertical-align: middle; }
.spark polyline { fill: none; stroke: var(--me); stroke-width: 2; }
.spark circle { fill: var(--me); }
.spark .half { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 2 3; }
.timeline h3 { margin: 0 0 .25rem; }
.timeline .lane, .timeline .month { fill: var(--fg); font-size: 13px; }
.timeline .guide { stroke: var(--faint); stroke-width: 1; }
.timeline .tick { stroke: var(--line); stroke-width: 1; }
.side-me { fill: var(--me); stroke: var(--me); }
.side-them { fill: var(--them); stroke: var(--them); }
.side-unknown { fill: var(--unknown); stroke: var(--unknown); }
.legend .kind { fill: var(--fg); stroke: var(--fg); }
.mark circle, .legend circle { fill-opacity: .85; stroke: var(--bg); stroke-width: 1; }
.mark path, .legend path { stroke-width: 0; }
.mark path.cross, .legend path.cross { fill: none; stroke-width: 2.5; }
.mark rect.open, .legend rect.open { fill: var(--bg); stroke-width: 2; }
.legend { list-style: none; padding: 0; margin: .25rem 0; display: flex; flex-wrap: wrap;
  gap: .25rem 1.25rem; font-size: .9rem; }
.legend svg { display: inline-block; width: 16px; height: 16px; vertical-align: -3px;
  margin-right: .3rem; }
.thanks { padding-left: 1.25rem; }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); }
@media print {
  body { max-width: none; }
  section[data-person] h2 { break-before: page; }
  summary { display: none; }
  details::details-content { content-visibility: visible; display: contents; }
}
"""
